// In-process sliding windows: a Map from key + window to its buckets (the embedded default).
import type { ConsumeResult, WindowRule, WindowStore } from '../types.js';
import {
  addTo,
  bucketOf,
  checkRule,
  checkWindowAmount,
  countAt,
  fits,
  oldestCounted,
  retryAfterMs,
  windowLevel,
} from '../window-buckets.js';

/** One key's counts in one window: bucket index → amount added. */
interface Series {
  windowMs: number;
  buckets: Map<number, number>;
}

/** How often (on the callers' clock) every series is swept, so keys that are never used again do not stay forever. */
const SWEEP_EVERY_MS = 60_000;

/** One bucket of one key's window, as a store that persists the counts (sqlite/windows.ts) loads and saves it. */
export interface WindowBucketRow {
  key: string;
  windowMs: number;
  index: number;
  count: number;
}

/** How a durable store keeps the memory counts: it seeds them, and is told of every change. */
export interface WindowPersistence {
  /** Buckets to start with (what a reopened store had). */
  initial?: Iterable<WindowBucketRow>;
  /** Called after each change of a bucket with its new count (0: the bucket is gone). */
  onBucket(key: string, windowMs: number, index: number, count: number): void;
}

/**
 * A WindowStore for one process: it counts for the callers of this store only. Memory stays bounded by live keys:
 * buckets are dropped once they no longer count at the latest `now` seen (so, as in Redis, asking about an earlier
 * `now` afterwards may find less). With `persistence`, it starts from its buckets and reports every change (buckets
 * dropped because they stopped counting are not reported: the durable store expires them by time itself).
 */
export function createMemoryWindowStore(persistence?: WindowPersistence): WindowStore {
  const all = new Map<string, Series>();
  let lastSweep = -Infinity;
  // The window size first: a number has no ':', so no two (key, window) pairs share an id.
  const idOf = (key: string, windowMs: number) => `${windowMs}:${key}`;

  /** Drops the buckets that no longer count at `now`, and the series once it is empty. */
  const prune = (id: string, series: Series, now: number) => {
    const oldest = oldestCounted(series.windowMs, now);
    for (const index of series.buckets.keys()) if (index < oldest) series.buckets.delete(index);
    if (series.buckets.size === 0) all.delete(id);
  };
  const maybeSweep = (now: number) => {
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    for (const [id, series] of all) prune(id, series, now);
  };
  /** The live buckets of a series at `now`, after pruning it. */
  const live = (key: string, windowMs: number, now: number): Map<number, number> | undefined => {
    const id = idOf(key, windowMs);
    const series = all.get(id);
    if (series !== undefined) prune(id, series, now);
    return all.get(id)?.buckets;
  };
  const add = (key: string, windowMs: number, at: number, amount: number) => {
    const id = idOf(key, windowMs);
    let series = all.get(id);
    if (series === undefined) all.set(id, (series = { windowMs, buckets: new Map() }));
    const index = bucketOf(at, windowMs);
    const before = series.buckets.get(index) ?? 0;
    const count = addTo(before, amount);
    // A bucket at 0 holds nothing: forgetting it keeps the map small (a later add recreates it).
    if (count === 0) series.buckets.delete(index);
    else series.buckets.set(index, count);
    if (series.buckets.size === 0) all.delete(id);
    if (count !== before) persistence?.onBucket(key, windowMs, index, count);
  };
  for (const { key, windowMs, index, count } of persistence?.initial ?? []) {
    if (count <= 0) continue;
    const id = idOf(key, windowMs);
    let series = all.get(id);
    if (series === undefined) all.set(id, (series = { windowMs, buckets: new Map() }));
    series.buckets.set(index, count);
  }

  return {
    async consume(rules: WindowRule[], now: number): Promise<ConsumeResult> {
      rules.forEach(checkRule);
      maybeSweep(now);
      // Rules naming the same key and window share its room: each is checked with the amounts before it added.
      const pending = new Map<string, number>();
      for (const rule of rules) {
        const id = idOf(rule.key, rule.windowMs);
        const buckets = live(rule.key, rule.windowMs, now) ?? new Map<number, number>();
        const amount = (pending.get(id) ?? 0) + rule.amount;
        if (!fits(countAt(buckets, rule.windowMs, now), amount, rule.limit)) {
          return {
            ok: false,
            key: rule.key,
            retryAfterMs: retryAfterMs(buckets, rule.windowMs, rule.limit, amount, now),
          };
        }
        pending.set(id, amount);
      }
      for (const rule of rules) add(rule.key, rule.windowMs, now, rule.amount);
      return { ok: true, at: now };
    },
    async adjust(entries, at) {
      entries.forEach((entry) => checkWindowAmount(entry.windowMs, entry.amount, false));
      for (const entry of entries) add(entry.key, entry.windowMs, at, entry.amount);
    },
    async total(key, windowMs, now) {
      checkWindowAmount(windowMs, 0, false);
      maybeSweep(now);
      return countAt(live(key, windowMs, now) ?? [], windowMs, now);
    },
    async level(key, windowMs, now) {
      checkWindowAmount(windowMs, 0, false);
      maybeSweep(now);
      return windowLevel(live(key, windowMs, now) ?? [], windowMs, now);
    },
  };
}
