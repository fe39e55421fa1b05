// Provider limits degrade to this instance while the shared store is unavailable: the provider enforces its own
// limits anyway (a 429 rests the key), so counting locally for a while beats refusing every call.
import type { Logger } from 'pino';
import { isStoreUnavailable } from './errors.js';
import { createMemoryWindowStore } from './memory/windows.js';
import type { WindowStore } from './types.js';

/** After a failure, how long calls go straight to the local counters before the shared store is tried again. */
const RETRY_SHARED_MS = 1_000;

/**
 * `shared`, or counters in this process's memory while it is unavailable (StoreUnavailableError), logged once per
 * outage. Other errors pass. Not for limits that must hold across instances (client budgets): those fail closed.
 */
export function withLocalFallback(shared: WindowStore, logger: Logger, now: () => number = Date.now): WindowStore {
  const local = createMemoryWindowStore();
  let localUntil = -Infinity;
  let degraded = false;
  const run = async <T>(call: (store: WindowStore) => Promise<T>): Promise<T> => {
    // A stalled store makes each call wait its command timeout: skip it for a while once it failed.
    if (now() < localUntil) return call(local);
    try {
      const result = await call(shared);
      if (degraded) logger.warn('provider limits: the shared store answers again; counting there');
      degraded = false;
      return result;
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      if (!degraded)
        logger.warn({ err }, 'provider limits: the shared store is unavailable; counting on this instance');
      degraded = true;
      localUntil = now() + RETRY_SHARED_MS;
      return call(local);
    }
  };
  return {
    consume: (rules, at) => run((store) => store.consume(rules, at)),
    adjust: (entries, at) => run((store) => store.adjust(entries, at)),
    total: (key, windowMs, at) => run((store) => store.total(key, windowMs, at)),
    level: (key, windowMs, at) => run((store) => store.level(key, windowMs, at)),
  };
}
