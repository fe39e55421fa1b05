// Stored responses (`store: true`) in the durable record store, each in its caller's scope (a client key, the admin, or
// anonymous callers), with a bounded retention: older than `retentionMs`, or past the `maxPerScope` newest of a scope,
// a response is gone (swept as new ones are stored, and never served once expired).
import type { RecordStore } from '../../storage/types.js';
import type { ConversationItem, ResponseObject } from './types.js';

/** A stored response: the answer as sent, and the conversation it answered (to replay for previous_response_id). */
export interface StoredResponse {
  /** The caller's scope: `client:<id>`, `admin` or `anonymous`. */
  scope: string;
  /** When it was stored (ms since the epoch). */
  storedAt: number;
  response: ResponseObject;
  /** The items before its output: those replayed from its previous response, then its own input. */
  input: ConversationItem[];
}

export interface ResponseStore {
  put(stored: StoredResponse): Promise<void>;
  /** The response `id` of `scope`; undefined when there is none, it is another scope's, or it has expired. */
  get(scope: string, id: string): Promise<StoredResponse | undefined>;
  /** True when `scope` had such a response (now deleted). */
  delete(scope: string, id: string): Promise<boolean>;
  /** Drops the expired responses and those past each scope's cap now (put starts this at most once a sweepEveryMs). */
  sweep(): Promise<void>;
}

export interface ResponseStoreOptions {
  retentionMs: number;
  /** The most responses kept per scope (the newest). */
  maxPerScope: number;
  now: () => number;
  /** Least time between two sweeps by this process (default a minute). */
  sweepEveryMs?: number;
  /** Told when a sweep fails (the next one retries). */
  onError?: (err: unknown) => void;
}

/** Response bodies, by id. */
const BODIES = 'responses';
/** Per response id, its scope and when it was stored: what a sweep reads (small, unlike the bodies). */
const INDEX = 'responses-index';

interface IndexEntry {
  scope: string;
  at: number;
}

export function createResponseStore(records: RecordStore, options: ResponseStoreOptions): ResponseStore {
  const { retentionMs, maxPerScope, now } = options;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  let lastSweep = Number.NEGATIVE_INFINITY;
  let sweeping = false;

  const sweep = async () => {
    const byScope = new Map<string, Array<{ id: string; at: number }>>();
    for (const { id, value } of await records.list(INDEX)) {
      const { scope, at } = JSON.parse(value) as IndexEntry;
      const list = byScope.get(scope);
      if (list === undefined) byScope.set(scope, [{ id, at }]);
      else list.push({ id, at });
    }
    const oldest = now() - retentionMs;
    for (const list of byScope.values()) {
      list.sort((a, b) => b.at - a.at);
      const gone = list.filter((entry, rank) => rank >= maxPerScope || entry.at < oldest);
      for (const { id } of gone) {
        await records.delete(BODIES, id);
        await records.delete(INDEX, id);
      }
    }
  };

  const get = async (scope: string, id: string) => {
    const value = await records.get(BODIES, id);
    if (value === undefined) return undefined;
    const stored = JSON.parse(value) as StoredResponse;
    if (stored.scope !== scope || stored.storedAt < now() - retentionMs) return undefined;
    return stored;
  };

  return {
    async put(stored) {
      const { id } = stored.response;
      // The index first: a body is never left where no sweep can find it.
      await records.put(INDEX, id, JSON.stringify({ scope: stored.scope, at: stored.storedAt } satisfies IndexEntry));
      await records.put(BODIES, id, JSON.stringify(stored));
      if (sweeping || now() - lastSweep < sweepEveryMs) return;
      lastSweep = now();
      sweeping = true;
      void sweep()
        .catch((err: unknown) => options.onError?.(err))
        .finally(() => (sweeping = false));
    },
    get,
    async delete(scope, id) {
      if ((await get(scope, id)) === undefined) return false;
      await records.delete(BODIES, id);
      await records.delete(INDEX, id);
      return true;
    },
    sweep,
  };
}
