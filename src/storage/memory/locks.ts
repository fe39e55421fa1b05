// In-process locks: a Map from lock name to its holder's token and expiry time (the embedded default).
import type { Lease, LockStore } from '../types.js';

interface Holding {
  token: symbol;
  expiresAt: number;
}

/** A LockStore for one process: locks exclude the callers of this store only. `now` is the clock (tests). */
export function createMemoryLockStore(now: () => number = Date.now): LockStore {
  const held = new Map<string, Holding>();
  /** The lock's holding when it is still live; an expired one is forgotten. */
  const live = (name: string): Holding | undefined => {
    const holding = held.get(name);
    if (holding !== undefined && holding.expiresAt <= now()) held.delete(name);
    return held.get(name);
  };
  return {
    async tryAcquire(name, ttlMs) {
      if (live(name) !== undefined) return undefined;
      const token = Symbol(name);
      held.set(name, { token, expiresAt: now() + ttlMs });
      const mine = () => live(name)?.token === token;
      const lease: Lease = {
        async release() {
          if (mine()) held.delete(name);
        },
        async extend(extendMs) {
          if (!mine()) return false;
          held.set(name, { token, expiresAt: now() + extendMs });
          return true;
        },
      };
      return lease;
    },
  };
}
