// The RequestLogStore contract against the Redis backend, and what only Redis has: one stream shared by instances,
// a bounded scan for filters that match few rows, and appends that fail quietly.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisRequestLog, MAX_SCAN } from '../../src/storage/redis/requests.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { describeRequestLogContract, requestRecord } from './requests.contract.js';

const silent = pino({ level: 'silent' });

describeRequestLogContract('redis', {
  open: async (options) => {
    const redis = new Redis(testRedisUrl());
    const store = createRedisRequestLog(redis, { ...options, keyPrefix: uniqueKeyPrefix('requests'), logger: silent });
    return Object.assign(store, { close: async () => redis.disconnect() });
  },
  now: () => Date.now(),
});

describe('Redis RequestLogStore', () => {
  const opened: Redis[] = [];
  afterEach(() => opened.splice(0).forEach((redis) => redis.disconnect()));
  const connect = () => {
    const redis = new Redis(testRedisUrl());
    opened.push(redis);
    return redis;
  };
  const setup = (logger = silent) => {
    const keyPrefix = uniqueKeyPrefix('requests');
    const open = () =>
      createRedisRequestLog(connect(), { retentionMs: 3_600_000, maxRows: 100_000, keyPrefix, logger });
    return { key: `${keyPrefix}requests`, open };
  };

  it("shares one stream between instances: each lists the other's rows", async () => {
    const { open } = setup();
    const [a, b] = [open(), open()];
    a.append(requestRecord(Date.now() - 10, { runId: 'from-a' }));
    await a.flush();
    b.append(requestRecord(Date.now(), { runId: 'from-b' }));
    await b.flush();
    for (const store of [a, b])
      expect((await store.list({ limit: 5 })).rows.map((r) => r.runId)).toEqual(['from-b', 'from-a']);
  });

  it('stops a filtered scan after MAX_SCAN entries with a cursor to go on from', async () => {
    const { open } = setup();
    const store = open();
    store.append(requestRecord(Date.now() - 5_000, { runId: 'rare', clientId: 'rare' }));
    for (let i = 0; i < MAX_SCAN + 100; i += 1) {
      store.append(requestRecord(Date.now() - 4_000, { runId: `common${i}` }));
      if (i % 5_000 === 0) await store.flush(); // fewer appends in flight than the store lets wait
    }
    await store.flush();
    const first = await store.list({ limit: 5, clientId: 'rare' });
    expect(first.rows).toEqual([]);
    expect(first.next).toBeDefined();
    const second = await store.list({ limit: 5, clientId: 'rare', before: first.next! });
    expect(second.rows.map((r) => r.runId)).toEqual(['rare']);
    expect(second.next).toBeUndefined();
  });

  it('never throws from append; logs an outage once, with the route only, then its recovery', async () => {
    const lines: string[] = [];
    const { key, open } = setup(pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));
    const store = open();
    const raw = connect();
    await raw.set(key, 'not a stream');
    const secret = requestRecord(Date.now(), {
      runId: 'RUN-SECRET',
      clientId: 'CLIENT-SECRET',
      content: { prompt: 'PROMPT-SECRET' },
    });
    expect(() => [1, 2, 3].forEach(() => store.append(secret))).not.toThrow();
    await store.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      route: 'chat',
      error: expect.stringContaining('WRONGTYPE'),
    });
    expect(lines[0]).not.toMatch(/SECRET/);
    await raw.del(key);
    store.append(requestRecord(Date.now()));
    await store.flush();
    expect(JSON.parse(lines[1]!)).toMatchObject({ failed: 3 });
  });
});
