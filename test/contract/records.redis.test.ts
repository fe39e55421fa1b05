// The RecordStore contract against the Redis backend, and what only Redis has: stores on separate connections (two
// gateway instances) see each other's records, under `<prefix>records:<collection>`.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisRecordStore } from '../../src/storage/redis/records.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { collectionName, describeRecordStoreContract } from './records.contract.js';

const keyPrefix = uniqueKeyPrefix('records');
const connect = () => new Redis(testRedisUrl());

describeRecordStoreContract('redis', {
  open: async () => {
    const redis = connect();
    const store = createRedisRecordStore(redis, { keyPrefix });
    const unsubscribe = store.close;
    return Object.assign(store, {
      close: async () => {
        await unsubscribe();
        redis.disconnect();
      },
    });
  },
});

describe('Redis RecordStore across connections', () => {
  const opened: Redis[] = [];
  const stores: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    opened.splice(0).forEach((redis) => redis.disconnect());
  });
  const instance = (prefix = keyPrefix) => {
    const redis = connect();
    opened.push(redis);
    const records = createRedisRecordStore(redis, { keyPrefix: prefix });
    stores.push(records);
    return { redis, records };
  };

  it("tells a watcher on one instance of the other's writes, and nothing of another prefix's", async () => {
    const [a, b, other] = [instance(), instance(), instance(uniqueKeyPrefix('other'))];
    const seen: Array<string | undefined> = [];
    await a.records.watch((collection) => seen.push(collection));
    const [c, quiet] = [collectionName('told'), collectionName('quiet')];
    await other.records.put(quiet, 'x', 'elsewhere');
    await b.records.put(c, 'k', 'from b');
    const end = Date.now() + 5_000;
    while (!seen.includes(c) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toEqual([c]);
  });

  it("sees the other instance's puts and deletes; another prefix is another set of records", async () => {
    const [a, b] = [instance(), instance()];
    const c = collectionName('shared');
    await a.records.put(c, 'k1', 'from a');
    await b.records.put(c, 'k2', 'from b');
    expect(await b.records.get(c, 'k1')).toBe('from a');
    expect((await a.records.list(c)).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'k1', value: 'from a' },
      { id: 'k2', value: 'from b' },
    ]);
    expect(await b.records.delete(c, 'k1')).toBe(true);
    expect(await a.records.get(c, 'k1')).toBeUndefined();
    expect(await a.records.delete(c, 'k1')).toBe(false);
    expect(await instance(uniqueKeyPrefix('other')).records.list(c)).toEqual([]);
  });

  it('keeps a collection as one hash at <prefix>records:<collection>', async () => {
    const { redis, records } = instance();
    const c = collectionName('layout');
    await records.put(c, 'id-1', 'v1');
    expect(await redis.type(`${keyPrefix}records:${c}`)).toBe('hash');
    expect(await redis.hgetall(`${keyPrefix}records:${c}`)).toEqual({ 'id-1': 'v1' });
  });

  it('rejects when Redis cannot take a write, rather than losing it silently', async () => {
    const redis = new Redis(testRedisUrl(), { lazyConnect: true, enableOfflineQueue: false });
    opened.push(redis);
    await expect(createRedisRecordStore(redis, { keyPrefix }).put(collectionName('down'), 'a', 'v')).rejects.toThrow();
  });
});
