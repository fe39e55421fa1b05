// The LockStore contract against the Redis backend (real time), and what only Redis has: stores on separate
// connections (two gateway instances) exclude each other, and the lock's key carries the lease's TTL.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisLockStore } from '../../src/storage/redis/locks.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { describeLockStoreContract, lockName } from './locks.contract.js';

const keyPrefix = uniqueKeyPrefix('locks');

const connect = () => new Redis(testRedisUrl());

describeLockStoreContract('redis', {
  open: async () => {
    const redis = connect();
    return Object.assign(createRedisLockStore(redis, { keyPrefix }), { close: async () => redis.disconnect() });
  },
  elapse: (ms) => sleep(ms),
});

describe('Redis LockStore across connections', () => {
  const opened: Redis[] = [];
  afterEach(() => opened.splice(0).forEach((redis) => redis.disconnect()));
  const instance = (prefix = keyPrefix) => {
    const redis = connect();
    opened.push(redis);
    return { redis, locks: createRedisLockStore(redis, { keyPrefix: prefix }) };
  };

  it('lets one of two instances hold a lock; release and extend of the other do nothing', async () => {
    const [a, b] = [instance(), instance()];
    const name = lockName('shared');
    const [fromA, fromB] = await Promise.all([a.locks.tryAcquire(name, 5_000), b.locks.tryAcquire(name, 5_000)]);
    expect([fromA, fromB].filter((lease) => lease !== undefined)).toHaveLength(1);
    const [holder, other] = fromA !== undefined ? [a, b] : [b, a];
    expect(await other.locks.tryAcquire(name, 5_000)).toBeUndefined();
    await (fromA ?? fromB)!.release();
    const taken = (await other.locks.tryAcquire(name, 5_000))!;
    expect(taken).toBeDefined();
    expect(await holder.locks.tryAcquire(name, 5_000)).toBeUndefined();
    await taken.release();
    expect(await holder.locks.tryAcquire(name, 5_000)).toBeDefined();
    // Another prefix is another set of locks (instances that share a Redis but not their threads).
    expect(await instance(uniqueKeyPrefix('other')).locks.tryAcquire(name, 5_000)).toBeDefined();
  });

  it('stores the lock as <prefix>lock:<name> with the TTL of the lease, renewed by extend, gone after release', async () => {
    const { redis, locks } = instance();
    const name = lockName('key');
    const lease = (await locks.tryAcquire(name, 2_000))!;
    const key = `${keyPrefix}lock:${name}`;
    expect(await redis.pttl(key)).toBeGreaterThan(1_000);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(2_000);
    expect(await lease.extend(60_000)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    await lease.release();
    expect(await redis.exists(key)).toBe(0);
  });
});
