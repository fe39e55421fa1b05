// createStores: memory when asked, Redis when a URL is given, with the event log defaults and overrides applied (the
// SQLite default: stores.sqlite.test.ts).
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createStores, DEFAULT_EVENT_LOG_OPTIONS, type Stores } from '../../src/storage/index.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { event, eventually, run, uniqueId } from './event-log.helpers.js';

const logger = pino({ level: 'silent' });
const opened: { close(): Promise<unknown> }[] = [];
const keep = <T extends Stores>(stores: T): T => (opened.push(stores), stores);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

describe('createStores', () => {
  it('keeps events in memory, one store per instance, with store: memory and no redis URL', async () => {
    const a = keep(createStores({ logger, store: 'memory', events: { maxEventsPerRun: 5 } }));
    const b = keep(createStores({ logger, store: 'memory', redisUrl: '' }));
    const id = uniqueId('r');
    for (let seq = 1; seq <= 10; seq += 1) a.eventLog.append(event(id, seq));
    expect((await a.eventLog.read({ runId: id })).map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(await b.eventLog.read({ runId: id })).toEqual([]);
    expect(await a.locks.tryAcquire(id, 5_000)).toBeDefined();
    expect(await a.locks.tryAcquire(id, 5_000)).toBeUndefined();
    expect(await b.locks.tryAcquire(id, 5_000)).toBeDefined(); // memory locks exclude within one instance only
  });

  it('shares events through Redis with a redis URL, with default and overridden retention', async () => {
    const url = testRedisUrl();
    const keyPrefix = uniqueKeyPrefix('stores');
    const a = keep(createStores({ logger, redisUrl: url, keyPrefix }));
    const b = keep(
      createStores({ logger, redisUrl: url, keyPrefix, events: { retentionMs: 2_000, maxEventsPerRun: undefined } }),
    );
    const [first, second] = [run(uniqueId('a'), 1), run(uniqueId('b'), 1)];
    first.forEach((e) => a.eventLog.append(e));
    second.forEach((e) => b.eventLog.append(e));
    expect(await a.eventLog.read({ runId: first[0]!.run_id })).toEqual(first); // a's own connection: already stored
    expect(await b.eventLog.read({ runId: first[0]!.run_id })).toEqual(first); // read after a's own read: stored
    await eventually(
      "b's run seen by a",
      async () => (await a.eventLog.read({ runId: second[0]!.run_id })).length === 3,
    );
    expect(await a.eventLog.read({ runId: second[0]!.run_id })).toEqual(second);
    const raw = new Redis(url);
    opened.push({ close: async () => raw.disconnect() });
    const ttl = (id: string) => raw.pttl(`${keyPrefix}events:run:${id}`);
    expect(await ttl(first[0]!.run_id)).toBeGreaterThan(DEFAULT_EVENT_LOG_OPTIONS.retentionMs - 60_000);
    expect(await ttl(first[0]!.run_id)).toBeLessThanOrEqual(DEFAULT_EVENT_LOG_OPTIONS.retentionMs);
    expect(await ttl(second[0]!.run_id)).toBeLessThanOrEqual(2_000);
    const lock = uniqueId('lock');
    expect(await a.locks.tryAcquire(lock, 5_000)).toBeDefined();
    expect(await b.locks.tryAcquire(lock, 5_000)).toBeUndefined(); // one Redis and prefix: one holder
    expect(await raw.pttl(`${keyPrefix}lock:${lock}`)).toBeGreaterThan(0);
    expect(DEFAULT_EVENT_LOG_OPTIONS).toEqual({ maxEventsPerRun: 10_000, retentionMs: 3_600_000 });
  });
});
