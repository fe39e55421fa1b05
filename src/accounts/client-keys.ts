// Gateway client keys (`sk-sb-…`): made by the admin, stored only as hashes, each with optional model, rate and budget
// limits.
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { isStoreUnavailable } from '../storage/errors.js';
import type { RecordStore, WindowStore } from '../storage/types.js';
import { createAuthSwitch, SETTINGS_COLLECTION } from './client-auth-switch.js';
import { indexOf, publicInfo, type StoredKey } from './client-key-records.js';
import { admitClient, recordClientTokens } from './client-limits.js';
import { hashSecret, secretsEqual } from './secrets.js';
import type { ClientKeyInfo } from './types.js';

/** The RecordStore collection of client keys: id → JSON of ClientKeyInfo plus the key's SHA-256. */
const CLIENT_KEYS_COLLECTION = 'client-keys';
/** Every client key starts with this, so a leaked one is recognisable (and `Incorrect API key` can name it). */
export const CLIENT_KEY_PREFIX = 'sk-sb-';

export interface ClientKeysOptions {
  /** Where keys live: shared by every instance on the same backend, so a key made on one works on all. */
  records: RecordStore;
  /** Rate and budget counters, shared like the records. */
  windows: WindowStore;
  /** SWITCHBOARD_REQUIRE_AUTH: ask for a key even while none exists. */
  requireAuth: boolean;
  /** Where a store that lost its keys, or cannot be read, is reported (default: silent). */
  logger?: Logger;
  now?: () => number;
  /**
   * Age after which a lookup re-reads the store first, and the period of the background re-read (default 5 s).
   * Changes made on another instance arrive sooner, with the store's change notices (RecordStore.watch); this
   * bounds how long one missed notice counts. 0: no background re-read.
   */
  refreshMs?: number;
  /**
   * Least time between re-reads caused by unknown tokens (default 1 s), so a flood of wrong keys costs one read a
   * second.
   */
  missRefreshMs?: number;
}

/** What the admin gives to make a key. */
export interface NewClientKey {
  name: string;
  models?: string[];
  rpm?: number;
  dailyTokens?: number;
}

/** A new key's settings and its secret: the only time the secret is seen. */
export type CreatedClientKey = ClientKeyInfo & { key: string };

/** The client keys of one gateway instance (see createClientKeys). */
export interface ClientKeys {
  /** Makes and stores a key; the returned `key` is never stored or shown again. */
  create(params: NewClientKey): Promise<CreatedClientKey>;
  /** Every key's settings (re-read from the store), oldest first; never a secret or a hash. */
  list(): Promise<ClientKeyInfo[]>;
  /** Deletes a key; false when there is none with that id. */
  revoke(id: string): Promise<boolean>;
  /**
   * Whether /v1 needs a key: requireAuth, any key known to this instance, or auth having been on (the stored setting,
   * or this instance's latch: a store that comes back empty does not turn it off). Sync, for the hot path.
   */
  authRequired(): boolean;
  /** The key's settings when `token` is a live client key. */
  authenticate(token: string): Promise<ClientKeyInfo | undefined>;
  /** Counts one request; throws a 429 GatewayError (with retryAfterMs) over the rpm limit or the daily budget. */
  admit(client: ClientKeyInfo, now?: number): Promise<void>;
  /** Adds the tokens (prompt + completion) of a finished call to the client's daily budget window. */
  recordTokens(clientId: string, tokens: number, now?: number): Promise<void>;
  /** Whether the key may use model `ref` (`provider/model`); `provider/*` entries allow a whole provider. */
  allowsModel(client: ClientKeyInfo, ref: string): boolean;
  /** Re-reads the store now. */
  refresh(): Promise<void>;
  /** Stops the background re-read and the change notices. */
  close(): void;
}

/**
 * Loads the keys from `records` and returns the instance's ClientKeys. Lookups use a local index by hash, re-read
 * when it is older than refreshMs, on a miss (at most every missRefreshMs), and in the background every refreshMs.
 */
export async function createClientKeys(options: ClientKeysOptions): Promise<ClientKeys> {
  const { records, windows, requireAuth } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: 'silent' });
  const refreshMs = options.refreshMs ?? 5_000;
  const missRefreshMs = options.missRefreshMs ?? 1_000;
  const auth = createAuthSwitch(records, logger, now);
  let index = new Map<string, StoredKey>();
  let loadedAt = -Infinity;
  let lastMissAt = -Infinity;
  let changes = 0;
  let inFlight: Promise<void> | undefined;
  let followUp: Promise<void> | undefined;
  let unreadable = false;

  const read = async () => {
    for (;;) {
      const seen = changes;
      const at = now();
      const next = indexOf(await records.list(CLIENT_KEYS_COLLECTION));
      if (seen === changes) await auth.settle(next.size);
      // A create or revoke of this instance raced the read: read again, so the index does not undo it.
      if (seen !== changes) continue;
      index = next;
      loadedAt = at;
      if (unreadable) logger.warn('client keys: the store answers again');
      unreadable = false;
      return;
    }
  };
  const start = (): Promise<void> => {
    const reading = read().finally(() => {
      if (inFlight === reading) inFlight = undefined;
    });
    inFlight = reading;
    return reading;
  };
  /**
   * A read that starts after the call: one read at a time, and a caller that finds one running gets the next, shared
   * by every caller meanwhile. The running read may have begun before the change the caller asks about (another
   * instance's notice comes as soon as its first write lands, and the read may then miss its second).
   */
  const reload = (): Promise<void> => {
    // A follow-up not yet started starts after this call too.
    if (followUp !== undefined) return followUp;
    if (inFlight === undefined) return start();
    followUp = inFlight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        followUp = undefined;
        return start();
      });
    return followUp;
  };
  /**
   * A lookup's re-read. While the store does not answer, the keys last read stay in use (degraded, logged once):
   * no key can be made or revoked meanwhile, since those writes need the store too.
   */
  const reloadForLookup = () =>
    reload().catch((err: unknown) => {
      if (!isStoreUnavailable(err)) throw err;
      if (!unreadable)
        logger.warn({ err }, 'client keys: the store is unavailable; checking keys against the last read');
      unreadable = true;
      // Not again on every request: a stalled store would make each wait for its command timeout.
      loadedAt = now();
    });

  await reload();
  // Changes made on another instance: re-read as soon as the store says so (a missed notice waits for the timer).
  const unwatch = await records.watch((collection) => {
    // The auth setting too: a revoke elsewhere deletes the last key, then turns auth off.
    if (collection === undefined || collection === CLIENT_KEYS_COLLECTION || collection === SETTINGS_COLLECTION)
      void reloadForLookup().catch(() => {});
  });
  const timer = refreshMs > 0 ? setInterval(() => void reload().catch(() => {}), refreshMs) : undefined;
  // Failures of the background read are dropped: the next lookup reads again and reports its own failure.
  timer?.unref();

  return {
    async create(params) {
      const key = CLIENT_KEY_PREFIX + randomBytes(32).toString('base64url');
      const info: ClientKeyInfo = {
        id: `ck_${randomBytes(9).toString('base64url')}`,
        name: params.name,
        ...(params.models === undefined ? {} : { models: [...params.models] }),
        ...(params.rpm === undefined ? {} : { rpm: params.rpm }),
        ...(params.dailyTokens === undefined ? {} : { dailyTokens: params.dailyTokens }),
        createdAt: now(),
      };
      const stored: StoredKey = { ...info, hash: hashSecret(key) };
      // The setting first: from here on, auth stays on even if the store later loses every key.
      await auth.turnOn();
      await records.put(CLIENT_KEYS_COLLECTION, info.id, JSON.stringify(stored));
      changes += 1;
      index.set(stored.hash, stored);
      return { ...info, key };
    },
    async list() {
      await reload();
      return [...index.values()].map(publicInfo).sort((a, b) => a.createdAt - b.createdAt);
    },
    async revoke(id) {
      const deleted = await records.delete(CLIENT_KEYS_COLLECTION, id);
      changes += 1;
      for (const [hash, stored] of index) if (stored.id === id) index.delete(hash);
      // The admin revoked the last key: auth turns off (the documented way back to an open gateway).
      if (deleted) {
        await reload();
        if (index.size === 0) await auth.turnOff();
      }
      return deleted;
    },
    authRequired: () => requireAuth || auth.on(index.size),
    async authenticate(token) {
      const hash = hashSecret(token);
      const at = now();
      if (at - loadedAt >= refreshMs) await reloadForLookup();
      else if (!index.has(hash) && at - lastMissAt >= missRefreshMs) {
        lastMissAt = at;
        await reloadForLookup();
      }
      const stored = index.get(hash);
      // The map found it by hash; the constant-time check keeps the final word independent of timing.
      return stored !== undefined && secretsEqual(hash, stored.hash) ? publicInfo(stored) : undefined;
    },
    admit: (client, at = now()) => admitClient(windows, client, at),
    async recordTokens(clientId, tokens, at = now()) {
      const amount = Math.ceil(tokens);
      if (!(amount > 0)) return;
      // Keys cannot be edited, so a known key without a budget never needs the count: skip the store write.
      const known = [...index.values()].find((stored) => stored.id === clientId);
      if (known !== undefined && known.dailyTokens === undefined) return;
      await recordClientTokens(windows, clientId, amount, at);
    },
    allowsModel(client, ref) {
      if (client.models === undefined) return true;
      return client.models.some(
        (allowed) => allowed === ref || (allowed.endsWith('/*') && ref.startsWith(allowed.slice(0, -1))),
      );
    },
    refresh: reload,
    close() {
      clearInterval(timer);
      void unwatch();
    },
  };
}
