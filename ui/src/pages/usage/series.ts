// GET /v1/usage/series as the page reads it, and its mapping to chart rows: one row per bucket, one stacked series per
// group (the biggest few; the rest summed as "Other").
import { formatCompact, formatInt, formatUsd } from '../../format';
import type { GroupBy } from './range';

/** Totals of a range, a bucket or a group (the gateway's UsageTotals). */
export interface UsageTotals {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  avg_latency_ms: number;
  avg_ttft_ms: number | null;
  /** The list price of the tokens of calls whose model has one, less what they cost. */
  saved_usd: number;
  /** Calls to models without a list price (not in saved_usd). */
  unpriced_requests: number;
}

export type UsageGroup = { key: string } & UsageTotals;

/** GET /v1/usage/series. */
export interface UsageSeries {
  group_by: GroupBy;
  bucket: 'minute' | 'hour' | 'day';
  from: string;
  to: string;
  totals: UsageTotals;
  groups: UsageGroup[];
  buckets: Array<{ start: string; totals: UsageTotals; groups: UsageGroup[] }>;
}

/** What a chart can show of each bucket. */
export type Metric = 'requests' | 'tokens' | 'cost' | 'saved';

interface MetricView {
  title: string;
  of(t: UsageTotals): number;
  format(n: number): string;
  /** Counts: the axis has no ticks between whole numbers. */
  whole: boolean;
}

export const METRICS: Record<Metric, MetricView> = {
  requests: { title: 'Requests', of: (t) => t.requests, format: formatInt, whole: true },
  tokens: { title: 'Tokens', of: (t) => t.total_tokens, format: formatCompact, whole: true },
  cost: { title: 'Cost', of: (t) => t.cost_usd, format: formatUsd, whole: false },
  saved: { title: 'Saved against list prices', of: (t) => t.saved_usd, format: formatUsd, whole: false },
};

/** Series drawn at most; the smaller groups are summed as one. */
const MAX_SERIES = 6;
export const OTHER = 'Other';

/** One bar of a chart: the bucket's start (ms) and a value per series key. */
export type ChartRow = { t: number } & Record<string, number>;

export interface ChartData {
  /** Series keys, biggest first (OTHER last when there is one). */
  keys: string[];
  rows: ChartRow[];
}

/**
 * The chart of `metric`: the groups with some of it over the whole range, biggest first; past `maxSeries`, the
 * smallest summed as OTHER. Every bucket gives a row (empty ones zeros), so gaps in traffic show as gaps.
 */
export function chartData(series: UsageSeries, metric: Metric, maxSeries = MAX_SERIES): ChartData {
  const { of } = METRICS[metric];
  const ranked = series.groups
    .map((group) => ({ key: group.key, value: of(group) }))
    .filter((group) => group.value > 0)
    .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1));
  const shown = ranked.length > maxSeries ? ranked.slice(0, maxSeries - 1).map((g) => g.key) : ranked.map((g) => g.key);
  const keys = ranked.length > shown.length ? [...shown, OTHER] : shown;
  const named = new Set(shown);
  const rows = series.buckets.map((bucket) => {
    const row: ChartRow = { t: Date.parse(bucket.start) } as ChartRow;
    for (const key of keys) row[key] = 0;
    for (const group of bucket.groups) {
      const key = named.has(group.key) ? group.key : OTHER;
      if (key in row) row[key] = (row[key] ?? 0) + of(group);
    }
    return row;
  });
  return { keys, rows };
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dayOnly = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/**
 * A bucket's start as people read it: the date for days, else the date and time; `withinADay` drops the date (the
 * axis of a range of a day or less).
 */
export function bucketLabel(ms: number, bucket: UsageSeries['bucket'], withinADay = false): string {
  if (bucket === 'day') return dayOnly.format(ms);
  return withinADay ? timeOfDay.format(ms) : dayAndTime.format(ms);
}
