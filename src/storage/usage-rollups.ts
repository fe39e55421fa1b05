// Usage rollups, the same on every backend: the hour and day a record adds to, sums per provider, model, key and
// client, and the plan that reads a range from whole days, whole hours, and the records at its edges.
//
// Rollups are kept longer than the records (90 days of hours, 5 years of days by default), so a range reaching past
// the records' retention is read at a coarser grain at its start: the part of an hour (then of a day) before the
// first whole hour (day) in range is left out once its records (hours) are gone. Inside the records' retention the
// totals are exact: they add up the same calls as the records do. Buckets are UTC hours and days.
import type { UsageRecord, UsageStoreOptions, UsageSums } from './types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The rollup widths, finest first. */
export const ROLLUP_UNITS = [HOUR_MS, DAY_MS] as const;
export type RollupUnit = (typeof ROLLUP_UNITS)[number];

/** Hourly rollups are kept 90 days: a 90-day range is exact to the hour. */
const DEFAULT_HOURLY_RETENTION_MS = 90 * DAY_MS;
/** Daily rollups are kept about 5 years (they are a few rows a day). */
const DEFAULT_DAILY_RETENTION_MS = 1_830 * DAY_MS;

/** How long rollups of `unit` are kept under `options`. */
export function rollupRetentionMs(unit: RollupUnit, options: UsageStoreOptions): number {
  if (unit === HOUR_MS) return options.hourlyRetentionMs ?? DEFAULT_HOURLY_RETENTION_MS;
  return options.dailyRetentionMs ?? DEFAULT_DAILY_RETENTION_MS;
}

/** The start of the bucket of `unit` that `ts` falls in. */
export function bucketStart(ts: number, unit: number): number {
  return Math.floor(ts / unit) * unit;
}

/** The group a record or a sums row falls in: provider, model, key id and client id. */
export function groupKey(row: Pick<UsageSums, 'provider' | 'model' | 'keyId' | 'clientId'>): string {
  return JSON.stringify([row.provider, row.model, row.keyId ?? null, row.clientId ?? null]);
}

/** The sums of one record (fields added one by one, in the order a sums row lists them: no spread per optional one). */
export function sumsOfRecord(record: UsageRecord): UsageSums {
  const sums = { provider: record.provider, model: record.model } as UsageSums;
  if (record.keyId !== undefined) sums.keyId = record.keyId;
  if (record.keyMasked !== undefined) sums.keyMasked = record.keyMasked;
  if (record.clientId !== undefined) sums.clientId = record.clientId;
  sums.requests = 1;
  sums.errors = record.status === 'error' ? 1 : 0;
  sums.promptTokens = record.promptTokens;
  sums.completionTokens = record.completionTokens;
  sums.costUsd = record.costUsd;
  sums.latencyMs = record.latencyMs;
  sums.ttftMs = record.ttftMs ?? 0;
  sums.streams = record.ttftMs === undefined ? 0 : 1;
  return sums;
}

/** The counts of a sums row, without what it is grouped by. */
export type UsageCounts = Omit<UsageSums, 'provider' | 'model' | 'keyId' | 'keyMasked' | 'clientId'>;

/** Counts of nothing yet. */
export function emptyCounts(): UsageCounts {
  return {
    requests: 0,
    errors: 0,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    ttftMs: 0,
    streams: 0,
  };
}

/** Adds `add`'s counts to `into`. */
export function addCounts(into: UsageCounts, add: UsageCounts): void {
  into.requests += add.requests;
  into.errors += add.errors;
  into.promptTokens += add.promptTokens;
  into.completionTokens += add.completionTokens;
  into.costUsd += add.costUsd;
  into.latencyMs += add.latencyMs;
  into.ttftMs += add.ttftMs;
  into.streams += add.streams;
}

/** Adds `add`'s counts to `into` (same group). */
export function addSums(into: UsageSums, add: UsageSums): void {
  addCounts(into, add);
  if (into.keyMasked === undefined && add.keyMasked !== undefined) into.keyMasked = add.keyMasked;
}

/** One sums row per group of `rows` (copies: the rows given are not changed). */
export function mergeSums(rows: Iterable<UsageSums>): UsageSums[] {
  const groups = new Map<string, UsageSums>();
  for (const row of rows) {
    const key = groupKey(row);
    const into = groups.get(key);
    if (into === undefined) groups.set(key, { ...row });
    else addSums(into, row);
  }
  return [...groups.values()];
}

/** One group's sums within one bucket, as rollups are written. */
export interface RollupRow {
  unit: RollupUnit;
  bucket: number;
  sums: UsageSums;
}

/** Adds `record` to its hour and its day in `rows` (keyed by unit, bucket and group): pending rollup changes. */
export function addToRollups(rows: Map<string, RollupRow>, record: UsageRecord): void {
  const group = groupKey(record);
  for (const unit of ROLLUP_UNITS) {
    const bucket = bucketStart(record.ts, unit);
    const key = `${unit}:${bucket}:${group}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { unit, bucket, sums: sumsOfRecord(record) });
    else addRecord(row.sums, record);
  }
}

/** addSums(into, sumsOfRecord(record)), without building the record's sums. */
function addRecord(into: UsageSums, record: UsageRecord): void {
  into.requests += 1;
  into.errors += record.status === 'error' ? 1 : 0;
  into.promptTokens += record.promptTokens;
  into.completionTokens += record.completionTokens;
  into.costUsd += record.costUsd;
  into.latencyMs += record.latencyMs;
  into.ttftMs += record.ttftMs ?? 0;
  into.streams += record.ttftMs === undefined ? 0 : 1;
  if (into.keyMasked === undefined && record.keyMasked !== undefined) into.keyMasked = record.keyMasked;
}

/** What readUsageTotals reads a backend through. */
export interface UsageTotalsSources {
  /** The records with from <= ts <= to. */
  records(from: number, to: number): Promise<UsageRecord[]>;
  /** The rollup rows of `unit` whose bucket starts in [from, to), any order, several per group allowed. */
  rollups(unit: RollupUnit, from: number, to: number): Promise<UsageSums[]>;
  /** The rollups hold every call from this time on (an hour start); before it only the records count. */
  since?: number;
}

/**
 * The sums per group of the calls with from <= ts <= to: whole days from the daily rollups, whole hours around them
 * from the hourly ones, and the partial hours at the edges from the records (ms are taken as integers for whole
 * buckets: a bucket [b, b + unit) is inside when from <= b and b + unit <= to + 1).
 */
export async function readUsageTotals(sources: UsageTotalsSources, from: number, to: number): Promise<UsageSums[]> {
  if (!(from <= to)) return [];
  const end = to + 1;
  const parts: Array<Promise<UsageSums[]>> = [];
  const raw = (a: number, b: number) => {
    if (!(a < b)) return;
    const last = b === end;
    parts.push(
      sources.records(a, last ? to : b).then((records) => records.filter((r) => last || r.ts < b).map(sumsOfRecord)),
    );
  };
  const hours = (a: number, b: number) => {
    const first = Math.ceil(a / HOUR_MS) * HOUR_MS;
    const last = bucketStart(b, HOUR_MS);
    if (first >= last) return raw(a, b);
    raw(a, first);
    parts.push(sources.rollups(HOUR_MS, first, last));
    raw(last, b);
  };
  let start = from;
  const since = sources.since ?? Number.NEGATIVE_INFINITY;
  if (start < since) {
    raw(start, Math.min(since, end));
    start = since;
  }
  if (start < end) {
    const firstDay = Math.ceil(start / DAY_MS) * DAY_MS;
    const lastDay = bucketStart(end, DAY_MS);
    if (firstDay >= lastDay) hours(start, end);
    else {
      hours(start, firstDay);
      parts.push(sources.rollups(DAY_MS, firstDay, lastDay));
      hours(lastDay, end);
    }
  }
  return mergeSums((await Promise.all(parts)).flat());
}
