// Before issue 20: live stats as stats-differential.test.ts compares them with (reference copies, not used elsewhere).
// In-process live stats: a Map from model ref to its record, updated with the rules of ewma.ts (the embedded default).
import { applyStatsUpdate, checkAlpha, copyStats, DEFAULT_STATS_TTL_MS, isEmptyStats } from './ewma.js';
import type { ArmCounts, ModelStatsRecord, StatsStore, StatsStoreOptions } from '../../../../src/storage/types.js';

/** How a durable store keeps the memory records: it seeds them, and is told of every change. */
export interface StatsPersistence {
  /** Records to start with (what a reopened store had), each with when it was last updated (ms, the store's clock). */
  initial?: Iterable<[ref: string, record: ModelStatsRecord, updatedAt: number]>;
  /** Called after each update that stored a record, with the record as it now stands (not to be changed). */
  onRecord(ref: string, record: ModelStatsRecord): void;
  /** Called when a record is forgotten: no update for the store's ttlMs. */
  onExpire(ref: string): void;
}

/**
 * A StatsStore for one process: it shares measurements between the callers of this store only. Memory is bounded by
 * the number of models measured, and a model not updated for `ttlMs` (by `now`, as Redis expires its hash) is
 * forgotten: left out of snapshots, and started afresh by its next update. Records go in and out as copies, so no
 * caller can change the stored ones.
 */
export function createMemoryStatsStore(
  options: StatsStoreOptions = {},
  persistence?: StatsPersistence,
  now: () => number = Date.now,
): StatsStore {
  const alpha = checkAlpha(options.alpha);
  const ttlMs = options.ttlMs ?? DEFAULT_STATS_TTL_MS;
  const records = new Map<string, ModelStatsRecord>();
  /** When each record was last updated. */
  const updated = new Map<string, number>();
  for (const [ref, record, updatedAt] of persistence?.initial ?? []) {
    records.set(ref, copyRecord(record));
    updated.set(ref, updatedAt);
  }
  /** Forgets `ref` when its last update is `ttlMs` old at `at`. */
  const expire = (ref: string, at: number) => {
    if ((updated.get(ref) ?? at) > at - ttlMs) return;
    records.delete(ref);
    updated.delete(ref);
    persistence?.onExpire(ref);
  };
  return {
    alpha,
    async record(ref, update, rules) {
      const at = now();
      expire(ref, at);
      // Read and write in one synchronous step: updates from concurrent callers cannot interleave.
      const next = applyStatsUpdate(records.get(ref), update, alpha, rules);
      // An update with nothing to apply to an unseen model stores nothing, as in Redis (no empty hash).
      if (records.has(ref) || !isEmptyStats(next)) {
        records.set(ref, next);
        updated.set(ref, at);
        persistence?.onRecord(ref, next);
      }
      return copyRecord(next);
    },
    async snapshot() {
      const at = now();
      for (const ref of [...records.keys()]) expire(ref, at);
      return new Map([...records].map(([ref, record]) => [ref, copyRecord(record)]));
    },
  };
}

/** A copy no caller's change reaches the stored record through (its arms included). */
function copyRecord(record: ModelStatsRecord): ModelStatsRecord {
  const copy = copyStats(record);
  if (record.arms !== undefined) {
    const arms: Record<string, ArmCounts> = {};
    for (const task in record.arms) {
      const arm = record.arms[task]!;
      const counts = { good: arm.good, bad: arm.bad };
      // A task may be named `__proto__` (a valid name): an own property, as in the record, not the prototype.
      if (task === '__proto__')
        Object.defineProperty(arms, task, { value: counts, enumerable: true, writable: true, configurable: true });
      else arms[task] = counts;
    }
    copy.arms = arms;
  }
  return copy;
}
