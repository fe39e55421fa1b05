// Redis locks: `SET <prefix>lock:<name> <token> NX PX <ttl>` takes a lock; release and extend compare the token first,
// in one Lua script each, so only the holder can release or extend it (never a lock another instance took after ours
// expired).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import type { Lease, LockStore } from '../types.js';

/** KEYS[1]: the lock; ARGV[1]: the holder's token. Deletes the lock if the token still holds it. */
const RELEASE_SCRIPT = new LuaScript(
  'lock-release',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

/** KEYS[1]: the lock; ARGV[1]: the holder's token, ARGV[2]: the new TTL (ms). 1 when extended, 0 when not held. */
const EXTEND_SCRIPT = new LuaScript(
  'lock-extend',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
);

export interface RedisLockStoreOptions {
  /** Prefix of the lock keys (default `switchboard:`): stores with one prefix on one Redis exclude each other. */
  keyPrefix?: string;
}

/** A LockStore on `redis` (the caller's connection: it is used, never closed). */
export function createRedisLockStore(redis: Redis, options: RedisLockStoreOptions = {}): LockStore {
  const prefix = `${options.keyPrefix ?? 'switchboard:'}lock:`;
  return {
    async tryAcquire(name, ttlMs) {
      const key = prefix + name;
      const token = randomUUID();
      const ms = Math.max(1, Math.ceil(ttlMs));
      if ((await redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') return undefined;
      const lease: Lease = {
        async release() {
          await RELEASE_SCRIPT.run(redis, 1, key, token);
        },
        async extend(extendMs) {
          return (await EXTEND_SCRIPT.run(redis, 1, key, token, Math.max(1, Math.ceil(extendMs)))) === 1;
        },
      };
      return lease;
    },
  };
}
