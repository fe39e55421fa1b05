// The WindowStore contract against the Redis backend, and what only Redis has: stores on separate connections (two
// gateway instances) count together, atomically, and the window hashes carry a TTL and shed stale buckets.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisWindowStore } from '../../src/storage/redis/windows.js';
import { bucketOf, windowTtlMs } from '../../src/storage/window-buckets.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { BASE, MINUTE, describeWindowStoreContract, windowKey } from './windows.contract.js';

const keyPrefix = uniqueKeyPrefix('windows');

const connect = () => new Redis(testRedisUrl());

describeWindowStoreContract('redis', {
  open: async () => {
    const redis = connect();
    return Object.assign(createRedisWindowStore(redis, { keyPrefix }), { close: async () => redis.disconnect() });
  },
});

describe('Redis WindowStore across connections', () => {
  const opened: Redis[] = [];
  afterEach(() => opened.splice(0).forEach((redis) => redis.disconnect()));
  const instance = () => {
    const redis = connect();
    opened.push(redis);
    return { redis, windows: createRedisWindowStore(redis, { keyPrefix }) };
  };

  it('accepts exactly the limit out of concurrent consumes from two instances, all rules or none', async () => {
    const [a, b] = [instance(), instance()];
    const [key, roomy] = [windowKey('race'), windowKey('roomy')];
    const rules = [
      { key: roomy, windowMs: MINUTE, limit: 100, amount: 1 },
      { key, windowMs: MINUTE, limit: 5, amount: 1 },
    ];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).windows.consume(rules, BASE + i)),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    expect(results.filter((result) => !result.ok).every((result) => !result.ok && result.key === key)).toBe(true);
    expect(await a.windows.total(key, MINUTE, BASE + 20)).toBe(5);
    expect(await b.windows.total(roomy, MINUTE, BASE + 20)).toBe(5);
  });

  it('stores <prefix>win:<key>:<windowMs> as a hash of buckets with a TTL, renewed by adjust', async () => {
    const { redis, windows } = instance();
    const key = windowKey('ttl');
    const hash = `${keyPrefix}win:${key}:${MINUTE}`;
    expect((await windows.consume([{ key, windowMs: MINUTE, limit: 10, amount: 3 }], BASE)).ok).toBe(true);
    expect(await redis.hgetall(hash)).toEqual({ [String(bucketOf(BASE, MINUTE))]: '3' });
    expect(await redis.pttl(hash)).toBeGreaterThan(MINUTE / 2);
    expect(await redis.pttl(hash)).toBeLessThanOrEqual(windowTtlMs(MINUTE));
    // A check only (amount 0, as for a budget that is spent elsewhere) writes no key.
    const checked = windowKey('checked');
    expect((await windows.consume([{ key: checked, windowMs: MINUTE, limit: 10, amount: 0 }], BASE)).ok).toBe(true);
    expect(await redis.exists(`${keyPrefix}win:${checked}:${MINUTE}`)).toBe(0);
    const adjusted = windowKey('adjusted');
    await windows.adjust([{ key: adjusted, windowMs: MINUTE, amount: 4 }], BASE);
    expect(await redis.pttl(`${keyPrefix}win:${adjusted}:${MINUTE}`)).toBeGreaterThan(MINUTE / 2);
    // Back to 0, the bucket goes, and the hash with it.
    await windows.adjust([{ key: adjusted, windowMs: MINUTE, amount: -9 }], BASE);
    expect(await redis.exists(`${keyPrefix}win:${adjusted}:${MINUTE}`)).toBe(0);
  });

  it('removes the buckets that no longer count when it consumes', async () => {
    const { redis, windows } = instance();
    const key = windowKey('stale');
    const hash = `${keyPrefix}win:${key}:${MINUTE}`;
    for (const at of [BASE, BASE + 20_000, BASE + 2 * MINUTE]) {
      expect((await windows.consume([{ key, windowMs: MINUTE, limit: 10, amount: 1 }], at)).ok).toBe(true);
    }
    expect(await redis.hkeys(hash)).toEqual([String(bucketOf(BASE + 2 * MINUTE, MINUTE))]);
    // A refused consume sheds them too (here one that an adjust of a long gone `at` wrote), and still adds nothing.
    await windows.adjust([{ key, windowMs: MINUTE, amount: 1 }], BASE);
    expect(await redis.hlen(hash)).toBe(2);
    expect((await windows.consume([{ key, windowMs: MINUTE, limit: 1, amount: 1 }], BASE + 2 * MINUTE + 1)).ok).toBe(
      false,
    );
    expect(await redis.hgetall(hash)).toEqual({ [String(bucketOf(BASE + 2 * MINUTE, MINUTE))]: '1' });
  });
});
