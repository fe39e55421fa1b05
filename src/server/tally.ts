// Counters and histograms kept as plain numbers per label set and handed to prom-client only when scraped: a request
// pays a Map lookup and an add, not prom-client's label hashing and validation on every update (issue 20).
import { Counter, Histogram, type Registry } from 'prom-client';

type Labels = Record<string, string>;

/** One series of a counter or a histogram: `key` names it (its label values joined), `labels` builds its labels once. */
export interface Tally {
  add(key: string, labels: () => Labels, value?: number): void;
}

interface MetricConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
  registers: Registry[];
}

/** A counter whose increments are summed per series here and set on prom-client's counter at each scrape. */
export function counterTally(config: MetricConfig): Tally {
  const series = new Map<string, { labels: Labels; value: number }>();
  new Counter({
    ...config,
    labelNames: [...config.labelNames],
    collect() {
      this.reset();
      for (const { labels, value } of series.values()) this.inc(labels, value);
    },
  });
  return {
    add(key, labels, value = 1) {
      const found = series.get(key);
      if (found !== undefined) found.value += value;
      else series.set(key, { labels: labels(), value });
    },
  };
}

/** A series as prom-client's histogram keeps it (non-cumulative counts per upper bound), so it exports it as its own. */
interface HistogramSeries {
  labels: Labels;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * A histogram whose observations are counted per series here; at each scrape prom-client's histogram is given the
 * series as they stand (its `hashMap`, in the shape its own observations take, which it exports unchanged).
 */
export function histogramTally(config: MetricConfig & { buckets: number[] }): Tally {
  const series = new Map<string, HistogramSeries>();
  const bounds = [...config.buckets].sort((a, b) => a - b);
  new Histogram({
    ...config,
    labelNames: [...config.labelNames],
    collect() {
      (this as unknown as { hashMap: Record<string, HistogramSeries> }).hashMap = Object.fromEntries(series);
    },
  });
  return {
    add(key, labels, value = 0) {
      let found = series.get(key);
      if (found === undefined) {
        found = { labels: labels(), bucketValues: Object.fromEntries(bounds.map((b) => [b, 0])), sum: 0, count: 0 };
        series.set(key, found);
      }
      found.sum += value;
      found.count += 1;
      // Above the last bound, the observation counts in +Inf only (the series' count), as prom-client does.
      for (const bound of bounds) {
        if (value <= bound) {
          found.bucketValues[bound]! += 1;
          break;
        }
      }
    },
  };
}
