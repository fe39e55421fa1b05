// In-process live stats: a Map from model ref to its record, updated with the rules of ewma.ts (the embedded default).
import { applyStatsUpdate, checkAlpha, copyStats, DEFAULT_STATS_TTL_MS, isEmptyStats } from '../ewma.js';
import type { ArmCounts, ModelStatsRecord, PruneRules, StatsStore, StatsStoreOptions, StatsUpdate } from '../types.js';

/** How a durable store keeps the memory records: it seeds them, and is told of every change. */
export interface StatsPersistence {
  /** Records to start with (what a reopened store had), each with when it was last updated (ms, the store's clock). */
  initial?: Iterable<[ref: string, record: ModelStatsRecord, updatedAt: number]>;
  /**
   * Called after each update that stored a record, with the record as it now stands (not to be changed: it is the
   * stored record, which the store replaces at the next update rather than changing it).
   */
  onRecord(ref: string, record: ModelStatsRecord): void;
  /** Called when a record is forgotten: no update for the store's ttlMs. */
  onExpire(ref: string): void;
}

/**
 * A StatsStore for one process: it shares measurements between the callers of this store only. Memory is bounded by
 * the number of models measured, and a model not updated for `ttlMs` (by `now`, as Redis expires its hash) is
 * forgotten: left out of snapshots, and started afresh by its next update. Records go in and out of record() and
 * snapshot() as copies, so no caller can change the stored ones; recordNow() answers with the stored record itself
 * (for live stats in this process: no copy per update), which no one may change.
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
  /** Whether `ref`'s last update is `ttlMs` old at `at`: forgotten, as Redis expires its hash. */
  const expired = (ref: string, at: number) => !((updated.get(ref) ?? at) > at - ttlMs);
  const forget = (ref: string) => {
    records.delete(ref);
    updated.delete(ref);
    persistence?.onExpire(ref);
  };
  function recordNow(ref: string, update: StatsUpdate, rules?: PruneRules): ModelStatsRecord {
    const at = now();
    const stale = expired(ref, at);
    // Read and write in one synchronous step: updates from concurrent callers cannot interleave. Computed before
    // anything changes: an update that throws (a time that is not finite) changes nothing.
    const next = applyStatsUpdate(stale ? undefined : records.get(ref), update, alpha, rules);
    if (stale) forget(ref);
    // An update with nothing to apply to an unseen model stores nothing, as in Redis (no empty hash).
    if (records.has(ref) || !isEmptyStats(next)) {
      records.set(ref, next);
      updated.set(ref, at);
      persistence?.onRecord(ref, next);
    }
    return next;
  }
  return {
    alpha,
    // The stored record itself: applyStatsUpdate makes a new record for every update, so no one changes it later.
    recordNow,
    async record(ref, update, rules) {
      return copyRecord(recordNow(ref, update, rules));
    },
    async snapshot() {
      const at = now();
      for (const ref of [...records.keys()]) if (expired(ref, at)) forget(ref);
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
