// Redis records: one hash per collection (`<prefix>records:<collection>`, field = id, value = the record), so every
// instance on the same Redis and prefix shares the key vault and the client keys.
import type { Redis } from 'ioredis';
import type { RecordStore } from '../types.js';

/** Options of the Redis record store. */
export interface RedisRecordStoreOptions {
  /** Prefix of the collection keys (default `switchboard:`). */
  keyPrefix?: string;
}

/**
 * A RecordStore on `redis` (the caller's connection: it is used, never closed). Errors reject: unlike usage or events,
 * a lost vault write must reach the caller (the admin adding a key), not a log.
 */
export function createRedisRecordStore(redis: Redis, options: RedisRecordStoreOptions = {}): RecordStore {
  const prefix = `${options.keyPrefix ?? 'switchboard:'}records:`;
  const key = (collection: string) => prefix + collection;
  return {
    async put(collection, id, value) {
      await redis.hset(key(collection), id, value);
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
      return (await redis.hdel(key(collection), id)) > 0;
    },
  };
}
