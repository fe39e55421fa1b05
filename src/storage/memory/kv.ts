// In-process key/value with TTL: a Map from key to value and expiry time (the embedded default).
import type { KvStore } from '../types.js';

interface Entry {
  value: string;
  /** Time (on `now`'s clock) from which the entry is gone; undefined: it stays. */
  expiresAt: number | undefined;
}

/** Sets between two sweeps of expired entries, at least (at most the store's size, so sweeping stays O(1) per set). */
const SWEEP_EVERY_SETS = 1_000;

/**
 * A KvStore for one process. `now` is the clock (tests). Expired entries are removed when read, and by a sweep every
 * so many sets, so that keys written once with a TTL and never read again do not stay forever.
 */
export function createMemoryKvStore(now: () => number = Date.now): KvStore {
  const entries = new Map<string, Entry>();
  let setsSinceSweep = 0;
  const expired = (entry: Entry, at: number) => entry.expiresAt !== undefined && entry.expiresAt <= at;
  const sweep = () => {
    const at = now();
    for (const [key, entry] of entries) if (expired(entry, at)) entries.delete(key);
  };
  return {
    async get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (!expired(entry, now())) return entry.value;
      entries.delete(key);
      return undefined;
    },
    async set(key, value, ttlMs) {
      // A TTL of 0 or less has already run out: the value is gone at once (as the Redis backend does).
      if (ttlMs !== undefined && ttlMs <= 0) entries.delete(key);
      else entries.set(key, { value, expiresAt: ttlMs === undefined ? undefined : now() + Math.ceil(ttlMs) });
      setsSinceSweep += 1;
      if (setsSinceSweep >= Math.max(SWEEP_EVERY_SETS, entries.size)) {
        setsSinceSweep = 0;
        sweep();
      }
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
