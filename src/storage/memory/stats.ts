// In-process live stats: a Map from model ref to its record, updated with the rules of ewma.ts (the embedded default).
import { applyStatsUpdate, checkAlpha, isEmptyStats } from '../ewma.js';
import type { ModelStatsRecord, StatsStore, StatsStoreOptions } from '../types.js';

/** How a durable store keeps the memory records: it seeds them, and is told of every change. */
export interface StatsPersistence {
  /** Records to start with (what a reopened store had). */
  initial?: Iterable<[ref: string, record: ModelStatsRecord]>;
  /** Called after each update that stored a record, with the record as it now stands (not to be changed). */
  onRecord(ref: string, record: ModelStatsRecord): void;
}

/**
 * A StatsStore for one process: it shares measurements between the callers of this store only. Memory is bounded by
 * the number of models measured. Records go in and out as copies, so no caller can change the stored ones.
 */
export function createMemoryStatsStore(options: StatsStoreOptions = {}, persistence?: StatsPersistence): StatsStore {
  const alpha = checkAlpha(options.alpha);
  const records = new Map<string, ModelStatsRecord>();
  for (const [ref, record] of persistence?.initial ?? []) records.set(ref, { ...record });
  return {
    alpha,
    async record(ref, update, rules) {
      // Read and write in one synchronous step: updates from concurrent callers cannot interleave.
      const next = applyStatsUpdate(records.get(ref), update, alpha, rules);
      // An update with nothing to apply to an unseen model stores nothing, as in Redis (no empty hash).
      if (records.has(ref) || !isEmptyStats(next)) {
        records.set(ref, next);
        persistence?.onRecord(ref, next);
      }
      return { ...next };
    },
    async snapshot() {
      return new Map([...records].map(([ref, record]) => [ref, { ...record }]));
    },
  };
}
