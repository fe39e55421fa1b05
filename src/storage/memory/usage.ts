// In-memory usage records: one bounded buffer in append order, trimmed by count and by age, and hourly and daily
// rollups of them, for one process.
import type { UsageRecord, UsageStore, UsageStoreOptions, UsageSums } from '../types.js';
import {
  addSums,
  bucketStart,
  groupKey,
  type RollupUnit,
  ROLLUP_UNITS,
  readUsageTotals,
  rollupRetentionMs,
  sumsOfRecord,
} from '../usage-rollups.js';

/** Dropped slots are reclaimed once there are this many and they are half the array: amortised O(1) per append. */
const COMPACT_AT = 1_024;

/**
 * Creates the embedded usage store. Records are kept in append order (calls end, and are appended, in about ts
 * order), so the oldest are at the head and trimming drops from there; query sorts by ts anyway, so a record that
 * arrived late still comes out in its place. Age is measured with `now` (tests inject a clock), at append and query,
 * and query never returns a record past retention even before it is trimmed. Rollups are maps of buckets, each a
 * map of groups; a unit's buckets past its retention are dropped when a new bucket of it starts.
 */
export function createMemoryUsageStore(options: UsageStoreOptions, now: () => number = Date.now): UsageStore {
  const maxRecords = Math.max(1, Math.floor(options.maxRecords));
  const retentionMs = Math.max(0, options.retentionMs);
  /** Stored records are `records[head..]`; slots before `head` were dropped and await compaction. */
  let records: UsageRecord[] = [];
  let head = 0;
  const rollups = new Map<RollupUnit, Map<number, Map<string, UsageSums>>>(
    ROLLUP_UNITS.map((unit) => [unit, new Map()]),
  );

  function roll(record: UsageRecord): void {
    const add = sumsOfRecord(record);
    const group = groupKey(add);
    for (const [unit, buckets] of rollups) {
      const start = bucketStart(record.ts, unit);
      let groups = buckets.get(start);
      if (groups === undefined) {
        const cutoff = now() - rollupRetentionMs(unit, options);
        for (const old of buckets.keys()) if (old + unit <= cutoff) buckets.delete(old);
        buckets.set(start, (groups = new Map()));
      }
      const sums = groups.get(group);
      if (sums === undefined) groups.set(group, { ...add });
      else addSums(sums, add);
    }
  }

  async function query(from: number, to: number): Promise<UsageRecord[]> {
    trim();
    const start = Math.max(from, now() - retentionMs);
    const found: UsageRecord[] = [];
    for (let i = head; i < records.length; i += 1) {
      const record = records[i]!;
      if (record.ts >= start && record.ts <= to) found.push({ ...record });
    }
    // Stable: records with the same ts keep their append order.
    return found.sort((a, b) => a.ts - b.ts);
  }

  async function readRollups(unit: RollupUnit, from: number, to: number): Promise<UsageSums[]> {
    const found: UsageSums[] = [];
    const cutoff = now() - rollupRetentionMs(unit, options);
    for (const [start, groups] of rollups.get(unit)!) {
      if (start >= from && start < to && start + unit > cutoff)
        for (const sums of groups.values()) found.push({ ...sums });
    }
    return found;
  }

  function trim(): void {
    const cutoff = now() - retentionMs;
    if (records.length - head > maxRecords) head = records.length - maxRecords;
    while (head < records.length && records[head]!.ts < cutoff) head += 1;
    if (head >= COMPACT_AT && head * 2 >= records.length) {
      records = records.slice(head);
      head = 0;
    }
  }

  return {
    append(record) {
      // A copy: the caller's object may change later, the stored record must not.
      records.push({ ...record });
      if (Number.isFinite(record.ts)) roll(record);
      trim();
    },
    query,
    totals: (from, to) => readUsageTotals({ records: query, rollups: readRollups }, from, to),
    async flush() {
      // Appends are synchronous here: nothing is ever in flight.
    },
  };
}
