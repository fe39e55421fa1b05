// Key health: which keys rest until a time (429, spent quota) or are disabled (401/403), seen by every instance.
import type { Logger } from 'pino';
import type { KvStore } from '../storage/types.js';

/** A key that cannot be used now; a key with no state is active. */
export interface KeyHealthState {
  status: 'cooling' | 'disabled';
  reason: string;
  /** Cooling: usable again from this time (ms since the epoch). */
  until?: number;
  /** The key's provider, for the log lines of its changes. */
  provider?: string;
}

/**
 * Each instance keeps the states in memory, so that route planning reads them synchronously, and writes every change
 * through to the shared KvStore (Redis when REDIS_URL is set). `refresh` re-reads a set of keys in the background,
 * at most once per `refreshMs`, so a key disabled on another instance is skipped here soon after, without a round
 * trip on the request path.
 */
export interface KeyHealth {
  get(id: string, now: number): KeyHealthState | undefined;
  disable(id: string, reason: string, provider?: string): void;
  cool(id: string, until: number, reason: string, now: number, provider?: string): void;
  enable(id: string, provider?: string): void;
  /**
   * Re-reads `keys` (a provider's key list: the same array each time) in the background, at most once per refreshMs.
   */
  refresh(keys: ReadonlyArray<{ id: string }>, now: number): void;
  /** Resolves when the writes and refreshes started so far are done (tests, shutdown). */
  settled(): Promise<void>;
}

export interface KeyHealthOptions {
  kv: KvStore;
  logger: Logger;
  /** Least time between two background refreshes of the same keys (default 1 s). */
  refreshMs?: number;
}

const kvKey = (id: string) => `keyhealth:${id}`;

type Status = KeyHealthState['status'] | 'active';

export function createKeyHealth({ kv, logger, refreshMs = 1_000 }: KeyHealthOptions): KeyHealth {
  const states = new Map<string, KeyHealthState>();
  // Keyed by the key list itself: no string to build on the request path.
  const lastRefresh = new WeakMap<object, number>();
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const done = work
      .catch((err: unknown) => logger.warn({ err }, 'key health store failed'))
      .finally(() => pending.delete(done));
    pending.add(done);
  };
  // One warn line per change of a key's status made here (a longer rest is no change); the key id, never the key.
  const changed = (id: string, to: Status, reason: string, provider: string | undefined) => {
    const from: Status = states.get(id)?.status ?? 'active';
    if (from !== to) logger.warn({ provider, keyId: id, from, to, reason }, `key ${from} -> ${to}`);
  };
  return {
    get(id, now) {
      const state = states.get(id);
      if (state?.status === 'cooling' && (state.until ?? 0) <= now) {
        changed(id, 'active', 'its rest is over', state.provider);
        states.delete(id);
        return undefined;
      }
      return state;
    },
    disable(id, reason, provider) {
      const state: KeyHealthState = { status: 'disabled', reason, ...(provider === undefined ? {} : { provider }) };
      changed(id, 'disabled', reason, provider);
      states.set(id, state);
      track(kv.set(kvKey(id), JSON.stringify(state)));
    },
    cool(id, until, reason, now, provider) {
      if (states.get(id)?.status === 'disabled' || until <= now) return;
      const state: KeyHealthState = {
        status: 'cooling',
        reason,
        until,
        ...(provider === undefined ? {} : { provider }),
      };
      changed(id, 'cooling', reason, provider);
      states.set(id, state);
      track(kv.set(kvKey(id), JSON.stringify(state), until - now));
    },
    enable(id, provider) {
      changed(id, 'active', 'enabled again', provider ?? states.get(id)?.provider);
      states.delete(id);
      track(kv.delete(kvKey(id)));
    },
    refresh(keys, now) {
      if (now - (lastRefresh.get(keys) ?? -Infinity) < refreshMs) return;
      lastRefresh.set(keys, now);
      track(
        Promise.all(
          keys.map(async ({ id }) => {
            const stored = await kv.get(kvKey(id));
            if (stored === undefined) states.delete(id);
            else states.set(id, JSON.parse(stored) as KeyHealthState);
          }),
        ),
      );
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
