// Counters and histograms kept as plain numbers per label set and handed to prom-client only when scraped: a request
// pays a few Map lookups and an add, not prom-client's label hashing and validation on every update (issue 20).
import { Counter, Histogram, type Registry } from 'prom-client';

type Labels = Record<string, string>;

/**
 * The series of a counter or a histogram, found by their label values in the order of `labelNames` (one argument
 * each, so that an update builds no key, array or label object: only a new series does).
 */
export interface Tally {
  add(value: number, a: string, b?: string, c?: string, d?: string): void;
}

interface MetricConfig {
  name: string;
  help: string;
  /** At most 4 (the arguments of Tally.add). */
  labelNames: readonly string[];
  registers: Registry[];
}

/**
 * Series by label values: a Map per label level, so that a lookup hashes the label values themselves (strings that
 * keep their hash) rather than a key joined per update. `all` keeps them in the order they appeared, for the scrape.
 */
function seriesTable<S>(labelNames: readonly string[], create: (labels: Labels) => S) {
  if (labelNames.length < 1 || labelNames.length > 4) throw new RangeError('a tally has 1 to 4 labels');
  const depth = labelNames.length;
  const root = new Map<string, unknown>();
  const all: S[] = [];
  const valueAt = (i: number, a: string, b?: string, c?: string, d?: string) =>
    (i === 0 ? a : i === 1 ? b : i === 2 ? c : d) ?? '';
  return {
    all,
    find(a: string, b?: string, c?: string, d?: string): S {
      let level = root;
      for (let i = 0; i < depth - 1; i++) {
        const key = valueAt(i, a, b, c, d);
        let next = level.get(key) as Map<string, unknown> | undefined;
        if (next === undefined) level.set(key, (next = new Map()));
        level = next;
      }
      const last = valueAt(depth - 1, a, b, c, d);
      let found = level.get(last) as S | undefined;
      if (found === undefined) {
        const labels: Labels = {};
        for (const [i, name] of labelNames.entries()) labels[name] = valueAt(i, a, b, c, d);
        found = create(labels);
        level.set(last, found);
        all.push(found);
      }
      return found;
    },
  };
}

/** A counter whose increments are summed per series here and set on prom-client's counter at each scrape. */
export function counterTally(config: MetricConfig): Tally {
  const series = seriesTable(config.labelNames, (labels) => ({ labels, value: 0 }));
  new Counter({
    ...config,
    labelNames: [...config.labelNames],
    collect() {
      this.reset();
      for (const { labels, value } of series.all) this.inc(labels, value);
    },
  });
  return {
    add(value, a, b, c, d) {
      series.find(a, b, c, d).value += value;
    },
  };
}

/** A histogram series: its counts per bucket (non-cumulative, by the bucket's index; above the last: none). */
interface HistogramSeries {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram whose observations are counted per series here; at each scrape prom-client's histogram is given the
 * series as they stand (its `hashMap`, in the shape its own observations take, which it exports unchanged).
 */
export function histogramTally(config: MetricConfig & { buckets: number[] }): Tally {
  const bounds = [...config.buckets].sort((a, b) => a - b);
  const series = seriesTable<HistogramSeries>(config.labelNames, (labels) => ({
    labels,
    counts: bounds.map(() => 0),
    sum: 0,
    count: 0,
  }));
  new Histogram({
    ...config,
    labelNames: [...config.labelNames],
    collect() {
      // prom-client's own shape: a hash per series, counts keyed by upper bound (only ever read at scrape time).
      const hashMap: Record<string, unknown> = {};
      for (const [i, { labels, counts, sum, count }] of series.all.entries()) {
        const bucketValues = Object.fromEntries(bounds.map((bound, b) => [bound, counts[b]!]));
        hashMap[String(i)] = { labels, bucketValues, sum, count };
      }
      (this as unknown as { hashMap: Record<string, unknown> }).hashMap = hashMap;
    },
  });
  return {
    add(value, a, b, c, d) {
      const found = series.find(a, b, c, d);
      found.sum += value;
      found.count += 1;
      // Above the last bound, the observation counts in +Inf only (the series' count), as prom-client does.
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]!) {
          found.counts[i]! += 1;
          break;
        }
      }
    },
  };
}
