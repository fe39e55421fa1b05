// The KvStore contract against the Redis backend (real time), and what only Redis has: stores on separate
// connections share values, kept as <prefix>kv:<key> with Redis's own TTL.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisKvStore } from '../../src/storage/redis/kv.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { describeKvStoreContract, kvKey } from './kv.contract.js';

const keyPrefix = uniqueKeyPrefix('kv');

const connect = () => new Redis(testRedisUrl());

describeKvStoreContract('redis', {
  open: async () => {
    const redis = connect();
    return Object.assign(createRedisKvStore(redis, { keyPrefix }), { close: async () => redis.disconnect() });
  },
  elapse: (ms) => sleep(ms),
});

describe('Redis KvStore across connections', () => {
  const opened: Redis[] = [];
  afterEach(() => opened.splice(0).forEach((redis) => redis.disconnect()));
  const instance = (prefix = keyPrefix) => {
    const redis = connect();
    opened.push(redis);
    return { redis, kv: createRedisKvStore(redis, { keyPrefix: prefix }) };
  };

  it('shares values between instances as <prefix>kv:<key>, with the TTL set and cleared by set', async () => {
    const [a, b] = [instance(), instance()];
    const key = kvKey('shared');
    await a.kv.set(key, 'v', 30_000);
    expect(await b.kv.get(key)).toBe('v');
    const pttl = await a.redis.pttl(`${keyPrefix}kv:${key}`);
    expect(pttl).toBeGreaterThan(15_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
    await b.kv.set(key, 'w');
    expect(await a.redis.pttl(`${keyPrefix}kv:${key}`)).toBe(-1); // no TTL any more
    await b.kv.delete(key);
    expect(await a.kv.get(key)).toBeUndefined();
    // Another prefix is another set of values.
    await a.kv.set(key, 'x');
    expect(await instance(uniqueKeyPrefix('other')).kv.get(key)).toBeUndefined();
  });
});
