// Redis records: one hash per collection (`<prefix>records:<collection>`, field = id, value = the record), so every
// instance on the same Redis and prefix shares the key vault and the client keys. Each write publishes the
// collection's name on `<prefix>records:changed`, in the same script, so every instance can re-read it at once.
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { RecordStore, RecordsListener } from '../types.js';
import { createChannelHub } from './channel-hub.js';
import { watchConnection } from './connection.js';
import { LuaScript } from './lua-script.js';

/** Options of the Redis record store. */
export interface RedisRecordStoreOptions {
  /** Prefix of the collection keys and of the change channel (default `switchboard:`). */
  keyPrefix?: string;
  /** Where trouble of the change subscription is reported (default: pino at warn). */
  logger?: Logger;
}

/** A record store on Redis; close() drops its change subscription (the caller's connection stays open). */
export type RedisRecordStore = RecordStore & { close(): Promise<void> };

// KEYS[1] the hash; ARGV: id, value, channel, collection.
const PUT = new LuaScript(
  'record-put',
  `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])`,
);
// KEYS[1] the hash; ARGV: id, channel, collection. Returns 1 when there was such a record.
const DELETE = new LuaScript(
  'record-delete',
  `local n = redis.call('HDEL', KEYS[1], ARGV[1])
if n > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return n`,
);
// KEYS[1] the guard's hash, KEYS[2] the record's; ARGV: guard id, guard value, id, value, channel, guard collection,
// collection. Returns what the guard record holds afterwards.
const PUT_GUARDED = new LuaScript(
  'record-put-guarded',
  `local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and current ~= ARGV[2] then return current end
if not current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PUBLISH', ARGV[5], ARGV[6])
end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[7])
return ARGV[2]`,
);

/**
 * A RecordStore on `redis` (the caller's connection: it is used, never closed). Errors reject: unlike usage or events,
 * a lost vault write must reach the caller (the admin adding a key), not a log. watch() opens one subscriber
 * connection, on first use; when it comes back after a drop, listeners are told that anything may have changed.
 */
export function createRedisRecordStore(redis: Redis, options: RedisRecordStoreOptions = {}): RedisRecordStore {
  const prefix = `${options.keyPrefix ?? 'switchboard:'}records:`;
  const channel = `${prefix}changed`;
  const logger = options.logger ?? pino({ level: 'warn' });
  const key = (collection: string) => prefix + collection;
  const listeners = new Set<{ listener: RecordsListener }>();
  const tell = (collection: string | undefined) => {
    for (const entry of listeners) entry.listener(collection);
  };
  const hub = createChannelHub<string>(
    () => {
      const subscriber = redis.duplicate({ enableOfflineQueue: true });
      watchConnection(subscriber, logger, 'records-subscriber', 'changes made meanwhile are re-read');
      let connected = false;
      subscriber.on('ready', () => {
        // Messages published while the subscriber was away are lost: have everything re-read.
        if (connected) tell(undefined);
        connected = true;
      });
      return subscriber;
    },
    (raw) => raw,
    logger,
  );
  let unlisten: Promise<() => Promise<void>> | undefined;
  return {
    async put(collection, id, value) {
      await PUT.run(redis, 1, key(collection), id, value, channel, collection);
    },
    async get(collection, id) {
      return (await redis.hget(key(collection), id)) ?? undefined;
    },
    async list(collection) {
      // HGETALL in one reply: collections are small (keys of a handful of providers, a team's client keys).
      const records = await redis.hgetall(key(collection));
      return Object.entries(records).map(([id, value]) => ({ id, value }));
    },
    async delete(collection, id) {
      return ((await DELETE.run(redis, 1, key(collection), id, channel, collection)) as number) > 0;
    },
    async putGuarded(collection, id, value, guard) {
      const keys = [key(guard.collection), key(collection)];
      const args = [guard.id, guard.value, id, value, channel, guard.collection, collection];
      return (await PUT_GUARDED.run(redis, 2, ...keys, ...args)) as string;
    },
    async watch(listener) {
      const entry = { listener };
      listeners.add(entry);
      try {
        unlisten ??= hub.listen(channel, tell);
        await unlisten;
      } catch (err) {
        listeners.delete(entry);
        unlisten = undefined;
        throw err;
      }
      return async () => void listeners.delete(entry);
    },
    close: () => hub.close(),
  };
}
