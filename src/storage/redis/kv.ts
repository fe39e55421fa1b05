// Redis key/value with TTL: `SET <prefix>kv:<key> <value> [PX <ttl>]`, so Redis expires the values itself.
import type { Redis } from 'ioredis';
import type { KvStore } from '../types.js';

export interface RedisKvStoreOptions {
  /** Prefix of the keys (default `switchboard:`): stores with one prefix on one Redis share their values. */
  keyPrefix?: string;
}

/** A KvStore on `redis` (the caller's connection: it is used, never closed), shared by every instance on it. */
export function createRedisKvStore(redis: Redis, options: RedisKvStoreOptions = {}): KvStore {
  const prefix = `${options.keyPrefix ?? 'switchboard:'}kv:`;
  return {
    async get(key) {
      return (await redis.get(prefix + key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      // A plain SET also clears an earlier TTL: a value set without one stays.
      if (ttlMs === undefined) await redis.set(prefix + key, value);
      // PX takes a positive integer; a TTL of 0 or less has already run out, so the value is gone at once.
      else if (ttlMs <= 0) await redis.del(prefix + key);
      else await redis.set(prefix + key, value, 'PX', Math.ceil(ttlMs));
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
  };
}
