// The time ranges the usage page offers (an hour to 90 days), the bucket each is cut into, and its series query.
import { query } from '../../api/client';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A range of the picker: the last `ms` before now, cut into `bucket`s. */
export interface UsageRange {
  id: '1h' | '24h' | '7d' | '30d' | '90d';
  label: string;
  ms: number;
  bucket: 'minute' | 'hour' | 'day';
  /** How often the page asks again while open. */
  refreshMs: number;
}

export const RANGES: readonly UsageRange[] = [
  { id: '1h', label: '1 hour', ms: HOUR, bucket: 'minute', refreshMs: 15_000 },
  { id: '24h', label: '24 hours', ms: DAY, bucket: 'hour', refreshMs: 60_000 },
  { id: '7d', label: '7 days', ms: 7 * DAY, bucket: 'hour', refreshMs: 300_000 },
  { id: '30d', label: '30 days', ms: 30 * DAY, bucket: 'day', refreshMs: 300_000 },
  { id: '90d', label: '90 days', ms: 90 * DAY, bucket: 'day', refreshMs: 300_000 },
];

const DEFAULT_RANGE: UsageRange = RANGES[1]!;

/** The range a `range` search parameter names; the default (24 hours) for none or an unknown one. */
export function rangeOf(param: string | null): UsageRange {
  return RANGES.find((range) => range.id === param) ?? DEFAULT_RANGE;
}

/** What usage can be grouped by on this page. */
export const GROUP_BYS = ['provider', 'model', 'client'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export function groupByOf(param: string | null): GroupBy {
  return (GROUP_BYS as readonly string[]).includes(param ?? '') ? (param as GroupBy) : 'provider';
}

/** GET /v1/usage/series for `range` ending at `now`. */
export function seriesPath(range: UsageRange, groupBy: GroupBy, now: number): string {
  return `/v1/usage/series${query({ bucket: range.bucket, group_by: groupBy, from: now - range.ms, to: now })}`;
}
