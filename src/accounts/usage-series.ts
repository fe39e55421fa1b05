// Usage over time: a range cut into UTC minutes, hours or days, with the report's totals and groups in each bucket
// (pure functions; the route reads each bucket's sums from the usage store).
import { DAY_MS, HOUR_MS } from '../storage/usage-rollups.js';
import type { UsageSums } from '../storage/types.js';
import { type ListPriceOf, sumGroups, type UsageGroupBy, type UsageReport } from './usage-report.js';

/** The widths a series can be cut into. */
export type UsageBucket = 'minute' | 'hour' | 'day';

/** Each bucket width in milliseconds. */
export const USAGE_BUCKET_MS: Readonly<Record<UsageBucket, number>> = { minute: 60_000, hour: HOUR_MS, day: DAY_MS };

/** The most buckets one series may have: each hour or day bucket is one read of the store. */
export const MAX_SERIES_BUCKETS = 500;

/** One bucket of a range: from `start` to `end`, both included. */
export interface BucketSpan {
  /** The bucket's UTC start (before `from` for the first bucket of a range that starts mid-bucket). */
  bucket: number;
  start: number;
  end: number;
}

/** GET /v1/usage/series's body. */
export interface UsageSeries {
  object: 'usage.series';
  group_by: UsageGroupBy;
  bucket: UsageBucket;
  /** The range reported on (ISO-8601), both ends included. */
  from: string;
  to: string;
  /** Over the whole range. */
  totals: UsageReport['totals'];
  groups: UsageReport['groups'];
  /** Oldest first, one per bucket of the range, empty ones included (zeros, no groups). */
  buckets: Array<{ start: string } & Pick<UsageReport, 'totals' | 'groups'>>;
}

/** The bucket that `from`..`to` would be cut into when the caller names none: about 60 to 500 of them. */
export function defaultBucket(from: number, to: number): UsageBucket {
  const span = to - from;
  if (span <= 6 * HOUR_MS) return 'minute';
  if (span <= 14 * DAY_MS) return 'hour';
  return 'day';
}

/** How many buckets of `unit` the range touches. */
export function bucketCount(from: number, to: number, unit: number): number {
  return Math.floor(to / unit) - Math.floor(from / unit) + 1;
}

/** The buckets of `unit` from `from` to `to` (both included), UTC-aligned, the first and last cut to the range. */
export function bucketSpans(from: number, to: number, unit: number): BucketSpan[] {
  const spans: BucketSpan[] = [];
  for (let bucket = Math.floor(from / unit) * unit; bucket <= to; bucket += unit)
    spans.push({ bucket, start: Math.max(from, bucket), end: Math.min(to, bucket + unit - 1) });
  return spans;
}

/** The series body from each bucket's sums rows (in the order of `spans`). */
export function summarizeUsageSeries(
  spans: BucketSpan[],
  rows: UsageSums[][],
  options: { groupBy: UsageGroupBy; bucket: UsageBucket; from: number; to: number; priceOf: ListPriceOf },
): UsageSeries {
  const { groupBy, priceOf } = options;
  const overall = sumGroups(rows.flat(), groupBy, priceOf);
  return {
    object: 'usage.series',
    group_by: groupBy,
    bucket: options.bucket,
    from: new Date(options.from).toISOString(),
    to: new Date(options.to).toISOString(),
    ...overall,
    buckets: spans.map((span, i) => ({
      start: new Date(span.bucket).toISOString(),
      ...sumGroups(rows[i] ?? [], groupBy, priceOf),
    })),
  };
}
