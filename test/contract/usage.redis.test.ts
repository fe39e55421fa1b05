// The UsageStore contract against the Redis backend, and what only Redis has: one stream shared by instances, ids
// that follow ts so MINID trims by age, a key TTL, a flush that waits for Redis, and appends that fail quietly.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisUsageStore, USAGE_ID_MARGIN_MS } from '../../src/storage/redis/usage.js';
import type { UsageStoreOptions } from '../../src/storage/types.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { describeUsageStoreContract, usageRecord } from './usage.contract.js';

const silent = pino({ level: 'silent' });
const MINUTE = 60_000;

describeUsageStoreContract('redis', {
  open: async (options) => {
    const redis = new Redis(testRedisUrl());
    const store = createRedisUsageStore(redis, { ...options, keyPrefix: uniqueKeyPrefix('usage'), logger: silent });
    return Object.assign(store, { close: async () => redis.disconnect() });
  },
  now: () => Date.now(),
});

describe('Redis UsageStore', () => {
  const opened: Redis[] = [];
  afterEach(() => opened.splice(0).forEach((redis) => redis.disconnect()));
  const connect = (options: { lazyConnect?: boolean } = {}) => {
    const redis = new Redis(testRedisUrl(), options);
    opened.push(redis);
    return redis;
  };
  const setup = (options: Partial<UsageStoreOptions> = {}, logger = silent) => {
    const keyPrefix = uniqueKeyPrefix('usage');
    const raw = connect();
    const open = (redis = connect()) =>
      createRedisUsageStore(redis, { retentionMs: MINUTE, maxRecords: 10_000, ...options, keyPrefix, logger });
    return { raw, key: `${keyPrefix}usage`, open };
  };

  it("shares one stream between instances: each sees the other's records, in ts order", async () => {
    const { open } = setup();
    const [a, b] = [open(), open()];
    const base = Date.now() - 5_000;
    a.append(usageRecord(base, { runId: 'a1' }));
    b.append(usageRecord(base + 10, { runId: 'b1' }));
    a.append(usageRecord(base + 20, { runId: 'a2' }));
    await Promise.all([a.flush(), b.flush()]);
    for (const store of [a, b])
      expect((await store.query(base, base + 20)).map((r) => r.runId)).toEqual(['a1', 'b1', 'a2']);
  });

  it('gives an entry the id <ts>-n, and a late record an id past the last one, still found by its ts', async () => {
    const { raw, key, open } = setup();
    const store = open();
    const ts = Date.now() - 10_000;
    store.append(usageRecord(ts, { runId: 'on-time' }));
    store.append(usageRecord(ts - 3_000, { runId: 'late' }));
    await store.flush();
    const ids = (await raw.xrange(key, '-', '+')).map(([id]) => id);
    expect(ids[0]).toBe(`${ts}-0`);
    expect(Number(ids[1]!.split('-')[0])).toBeGreaterThanOrEqual(ts);
    expect((await store.query(ts - 3_000, ts - 3_000)).map((r) => r.runId)).toEqual(['late']);
    expect(USAGE_ID_MARGIN_MS).toBeGreaterThan(3_000);
  });

  it('trims records older than the retention by MINID: old ones are gone from the stream, new ones stay', async () => {
    const { raw, key, open } = setup({ retentionMs: MINUTE });
    const store = open();
    const old = Date.now() - 60 * MINUTE;
    // In ts order, so they get their ts as ids: each node of them is wholly older than MINID.
    for (let i = 0; i < 250; i += 1) store.append(usageRecord(old + i, { runId: `old${i}` }));
    await store.flush();
    expect(await raw.xlen(key)).toBe(0);
    const recent = Date.now() - 1_000;
    for (let i = 0; i < 3; i += 1) store.append(usageRecord(recent + i, { runId: `new${i}` }));
    await store.flush();
    expect(await raw.xlen(key)).toBe(3);
    expect((await store.query(0, Date.now())).map((r) => r.runId)).toEqual(['new0', 'new1', 'new2']);
  });

  it('bounds the stream near maxRecords (MAXLEN ~: at most one node more) and renews its TTL to the retention', async () => {
    const { raw, key, open } = setup({ maxRecords: 10, retentionMs: 30 * MINUTE });
    const store = open();
    const base = Date.now() - 10_000;
    for (let i = 0; i < 1_000; i += 1) store.append(usageRecord(base + i, { runId: `r${i}` }));
    await store.flush();
    const length = await raw.xlen(key);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThanOrEqual(110);
    expect(await raw.pttl(key)).toBeGreaterThan(30 * MINUTE);
    expect(await raw.pttl(key)).toBeLessThanOrEqual(30 * MINUTE + USAGE_ID_MARGIN_MS);
  });

  it('flush waits for appends that Redis has not answered yet', async () => {
    const { open } = setup();
    const lazy = connect({ lazyConnect: true });
    const store = open(lazy);
    const ts = Date.now() - 1_000;
    for (let i = 0; i < 5; i += 1) store.append(usageRecord(ts + i));
    expect(lazy.status).not.toBe('ready'); // the appends wait on a connection still being opened
    await store.flush();
    expect(lazy.status).toBe('ready');
    expect(await open().query(ts, ts + 4)).toHaveLength(5); // another connection sees them all
  });

  it('never throws from append; logs an outage once with provider and model only, then its recovery', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const { raw, key, open } = setup({}, logger);
    const store = open();
    await raw.set(key, 'not a stream'); // every append now fails with WRONGTYPE
    const secret = {
      runId: 'RUN-SECRET',
      keyId: 'KEYID-SECRET',
      keyMasked: 'MASKED-SECRET',
      clientId: 'CLIENT-SECRET',
    };
    const ts = Date.now() - 1_000;
    expect(() => {
      for (let i = 0; i < 3; i += 1)
        store.append(usageRecord(ts, { ...secret, provider: 'mistral', model: 'mistral/small' }));
    }).not.toThrow();
    await store.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      provider: 'mistral',
      model: 'mistral/small',
      error: expect.stringContaining('WRONGTYPE'),
    });
    expect(lines[0]).not.toMatch(/SECRET|promptTokens|completionTokens/);
    await raw.del(key);
    store.append(usageRecord(ts));
    await store.flush();
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 40, failed: 3 });
    expect(await store.query(ts, ts)).toHaveLength(1);
  });

  it('reads a range from the records before the rollups began, on a stream an earlier version filled', async () => {
    const { raw, key, open } = setup({ retentionMs: 7 * 24 * 60 * MINUTE });
    const old = usageRecord(Date.now() - 2 * 24 * 60 * MINUTE, { runId: 'before-rollups', promptTokens: 7 });
    await raw.xadd(key, `${old.ts}-0`, 'r', JSON.stringify(old));
    const store = open();
    store.append(usageRecord(Date.now() - 1_000, { runId: 'after', promptTokens: 3 }));
    await store.flush();
    const since = Number(await raw.get(`${key}:rollups-since`));
    expect(since % (60 * MINUTE)).toBe(0);
    expect(since).toBeGreaterThan(Date.now() - 60 * MINUTE);
    const totals = await store.totals(old.ts - 60 * MINUTE, Date.now());
    expect(totals).toEqual([expect.objectContaining({ requests: 2, promptTokens: 10 })]);
    const fresh = setup();
    const first = fresh.open();
    first.append(usageRecord(Date.now()));
    await first.flush(); // its since was asked on the same connection before this append
    expect(await fresh.raw.get(`${fresh.key}:rollups-since`)).toBe('0');
  });

  it('never throws from append on a closed connection', async () => {
    const lines: string[] = [];
    const { open } = setup({}, pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));
    const closed = connect();
    const store = open(closed);
    closed.disconnect();
    expect(() => store.append(usageRecord(Date.now()))).not.toThrow();
    await store.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ provider: 'groq', model: 'groq/llama-3.3-70b' });
  });
});
