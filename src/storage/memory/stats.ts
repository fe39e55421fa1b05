// In-process live stats: a Map from model ref to its record, updated with the rules of ewma.ts (the embedded default).
import { applyStatsUpdate, checkAlpha, isEmptyStats } from '../ewma.js';
import type { ModelStatsRecord, StatsStore, StatsStoreOptions } from '../types.js';

/**
 * A StatsStore for one process: it shares measurements between the callers of this store only. Memory is bounded by
 * the number of models measured. Records go in and out as copies, so no caller can change the stored ones.
 */
export function createMemoryStatsStore(options: StatsStoreOptions = {}): StatsStore {
  const alpha = checkAlpha(options.alpha);
  const records = new Map<string, ModelStatsRecord>();
  return {
    alpha,
    async record(ref, update, rules) {
      // Read and write in one synchronous step: updates from concurrent callers cannot interleave.
      const next = applyStatsUpdate(records.get(ref), update, alpha, rules);
      // An update with nothing to apply to an unseen model stores nothing, as in Redis (no empty hash).
      if (records.has(ref) || !isEmptyStats(next)) records.set(ref, next);
      return { ...next };
    },
    async snapshot() {
      return new Map([...records].map(([ref, record]) => [ref, { ...record }]));
    },
  };
}
