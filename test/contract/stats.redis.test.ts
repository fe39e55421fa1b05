// The StatsStore contract against the Redis backend, and what only Redis has: stores on separate connections (two
// gateway instances) update one model atomically and see each other's measurements; the key layout and its TTL.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_STATS_TTL_MS } from '../../src/storage/ewma.js';
import { createRedisStatsStore } from '../../src/storage/redis/stats.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { T0, describeStatsStoreContract } from './stats.contract.js';

const connect = () => new Redis(testRedisUrl());

describeStatsStoreContract('redis', {
  open: async (options) => {
    const redis = connect();
    try {
      // A prefix per store: each test starts from an empty snapshot.
      const store = createRedisStatsStore(redis, { ...options, keyPrefix: uniqueKeyPrefix('stats') });
      return Object.assign(store, { close: async () => redis.disconnect() });
    } catch (err) {
      redis.disconnect();
      throw err;
    }
  },
});

describe('Redis StatsStore across connections', () => {
  const opened: Redis[] = [];
  afterEach(() => opened.splice(0).forEach((redis) => redis.disconnect()));
  const instance = (keyPrefix: string) => {
    const redis = connect();
    opened.push(redis);
    return { redis, stats: createRedisStatsStore(redis, { keyPrefix }) };
  };

  it('loses no update when two instances record the same model concurrently', async () => {
    const keyPrefix = uniqueKeyPrefix('stats-race');
    const [a, b] = [instance(keyPrefix), instance(keyPrefix)];
    const n = 200;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        (i % 2 === 0 ? a : b).stats.record('a/m', { at: T0 + i, ok: i % 4 !== 0, quality: 0.9 }),
      ),
    );
    const record = (await b.stats.snapshot()).get('a/m');
    expect(record).toMatchObject({ samples: n, qualitySamples: n, successRate: expect.any(Number) });
    // And each sees what the other measured.
    await a.stats.record('b/other', { at: T0, ok: true, latencyMs: 420 });
    expect((await b.stats.snapshot()).get('b/other')).toMatchObject({ samples: 1, latencyMs: 420 });
  });

  it('keeps <prefix>stats:model:<ref> hashes with a TTL and the refs in <prefix>stats:models', async () => {
    const keyPrefix = uniqueKeyPrefix('stats-keys');
    const { redis, stats } = instance(keyPrefix);
    await stats.record('a/m', { at: T0, ok: true, latencyMs: 0.1 + 0.2 });
    // The ref 'models' cannot collide with the set.
    await stats.record('models', { at: T0, ok: false });
    // %.17g: the double as JavaScript computes it, not Lua's 14-digit tostring.
    expect(await redis.hgetall(`${keyPrefix}stats:model:a/m`)).toEqual({
      samples: '1',
      successRate: '1',
      latencyMs: '0.30000000000000004',
      latencySamples: '1',
    });
    expect(await redis.pttl(`${keyPrefix}stats:model:a/m`)).toBeGreaterThan(DEFAULT_STATS_TTL_MS - 60_000);
    expect((await redis.smembers(`${keyPrefix}stats:models`)).sort()).toEqual(['a/m', 'models']);
    // A hash that expired (deleted here) leaves the snapshot, and its ref the set.
    await redis.del(`${keyPrefix}stats:model:a/m`);
    expect([...(await stats.snapshot()).keys()]).toEqual(['models']);
    expect(await redis.smembers(`${keyPrefix}stats:models`)).toEqual(['models']);
  });
});
