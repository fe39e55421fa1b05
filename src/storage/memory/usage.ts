// In-memory usage records: one bounded buffer in append order, trimmed by count and by age, for one process.
import type { UsageRecord, UsageStore, UsageStoreOptions } from '../types.js';

/** Dropped slots are reclaimed once there are this many and they are half the array: amortised O(1) per append. */
const COMPACT_AT = 1_024;

/**
 * Creates the embedded usage store. Records are kept in append order (calls end, and are appended, in about ts
 * order), so the oldest are at the head and trimming drops from there; query sorts by ts anyway, so a record that
 * arrived late still comes out in its place. Age is measured with `now` (tests inject a clock), at append and query,
 * and query never returns a record past retention even before it is trimmed.
 */
export function createMemoryUsageStore(options: UsageStoreOptions, now: () => number = Date.now): UsageStore {
  const maxRecords = Math.max(1, Math.floor(options.maxRecords));
  const retentionMs = Math.max(0, options.retentionMs);
  /** Stored records are `records[head..]`; slots before `head` were dropped and await compaction. */
  let records: UsageRecord[] = [];
  let head = 0;

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
      trim();
    },
    async query(from, to) {
      trim();
      const start = Math.max(from, now() - retentionMs);
      const found: UsageRecord[] = [];
      for (let i = head; i < records.length; i += 1) {
        const record = records[i]!;
        if (record.ts >= start && record.ts <= to) found.push({ ...record });
      }
      // Stable: records with the same ts keep their append order.
      return found.sort((a, b) => a.ts - b.ts);
    },
    async flush() {
      // Appends are synchronous here: nothing is ever in flight.
    },
  };
}
