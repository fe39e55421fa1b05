// The Redis stores' Lua scripts go by their SHA1 (EVALSHA): a script's text is sent at its first use on a connection
// only, and again when Redis has forgotten it (SCRIPT FLUSH here; a restart alike), after which the store goes on
// working. A tick's scripts on one connection go out in one write. On a redis-server of the test's own: SCRIPT FLUSH
// on the shared one would reach every other test.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LuaScript } from '../../../src/storage/redis/lua-script.js';
import { createRedisEventLog } from '../../../src/storage/redis/event-log.js';
import { createRedisRequestLog } from '../../../src/storage/redis/requests.js';
import { createRedisStatsStore } from '../../../src/storage/redis/stats.js';
import { createRedisUsageStore } from '../../../src/storage/redis/usage.js';
import type { EventLog } from '../../../src/storage/types.js';
import { HOUR_MS } from '../../../src/storage/usage-rollups.js';
import { event, uniqueId } from '../../contract/event-log.helpers.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';

let server: RedisServer;
const connections: Redis[] = [];
const logs: EventLog[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
  for (const redis of connections.splice(0)) redis.disconnect();
});

function open(): Redis {
  const redis = new Redis(server.url);
  connections.push(redis);
  return redis;
}

/** How many times Redis ran EVAL and EVALSHA so far (INFO commandstats). */
async function scriptCalls(redis: Redis): Promise<{ eval: number; evalsha: number }> {
  const info = await redis.info('commandstats');
  const calls = (name: string) => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { eval: calls('eval'), evalsha: calls('evalsha') };
}

describe('Lua scripts by their SHA1', () => {
  it('sends a script whole once per connection, and again after Redis forgot it', async () => {
    const admin = open();
    const stats = createRedisStatsStore(open(), { keyPrefix: `${uniqueId('stats')}:` });
    const record = (at: number) => stats.record('p/m', { at, ok: true, latencyMs: 100 });
    const before = await scriptCalls(admin);
    for (let i = 1; i <= 20; i += 1) await record(i);
    const sent = await scriptCalls(admin);
    expect(sent.eval - before.eval).toBe(1);
    expect(sent.evalsha - before.evalsha).toBe(19);

    await admin.script('FLUSH');
    for (let i = 21; i <= 25; i += 1) await record(i);
    expect((await record(26)).samples).toBe(26); // not one update lost to NOSCRIPT
    expect((await scriptCalls(admin)).eval - sent.eval).toBe(1);
  });

  it("runs the stats script once for a turn's updates to a model, and sends a turn's scripts in one write", async () => {
    const admin = open();
    const redis = open();
    const stats = createRedisStatsStore(redis, { keyPrefix: `${uniqueId('stats')}:` });
    await stats.record('p/warm', { at: 0, ok: true }); // its first run sends the text: EVAL
    const before = await scriptCalls(admin);
    const writes = vi.spyOn(redis.stream, 'write');
    const answers = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => stats.record('p/a', { at: i, ok: true, latencyMs: 100 + i })),
      ...Array.from({ length: 10 }, (_, i) => stats.record('p/b', { at: i, ok: i % 2 === 0 })),
    ]);
    expect(writes).toHaveBeenCalledTimes(1); // one pipeline: both models' runs
    const after = await scriptCalls(admin);
    expect(after.eval - before.eval + after.evalsha - before.evalsha).toBe(2);
    expect(answers[0]).toMatchObject({ samples: 30, latencySamples: 30 }); // every caller: the record after the run
    expect(answers[39]).toMatchObject({ samples: 10, successRate: expect.any(Number) });
  });

  it("answers a store's read sent right after its writes with them, though the writes wait for the turn's end", async () => {
    const redis = open();
    const logger = pino({ level: 'silent' });
    const keyPrefix = `${uniqueId('reads')}:`;
    const usage = createRedisUsageStore(redis, { retentionMs: 24 * HOUR_MS, maxRecords: 100, keyPrefix, logger });
    const requests = createRedisRequestLog(redis, { retentionMs: 24 * HOUR_MS, maxRows: 100, keyPrefix, logger });
    const stats = createRedisStatsStore(redis, { keyPrefix });
    await usage.totals(0, 1); // the store's first read: since when its rollups hold every call
    // Inside an hour that is whole in the range read: its sums come from the rollups, not from the records.
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
    const at = hour + HOUR_MS / 2;
    const call = { ts: at, provider: 'p', model: 'p/m', promptTokens: 3, completionTokens: 4, costUsd: 0 };
    usage.append({ ...call, latencyMs: 5, status: 'ok' });
    expect(await usage.totals(hour - HOUR_MS, hour + HOUR_MS)).toMatchObject([{ requests: 1, promptTokens: 3 }]);
    usage.append({ ...call, latencyMs: 6, status: 'ok' });
    expect((await usage.query(hour, at)).map((record) => record.latencyMs)).toEqual([5, 6]);
    requests.append({
      ...call,
      route: 'chat',
      stream: false,
      status: 'ok',
      httpStatus: 200,
      attempts: [],
      latencyMs: 5,
      cacheHit: false,
    });
    expect((await requests.list({ limit: 10 })).rows).toMatchObject([{ ts: at, route: 'chat' }]);
    void stats.record('p/m', { at, ok: true });
    expect((await stats.snapshot()).get('p/m')).toMatchObject({ samples: 1 });
  });

  it('queues a script in a pipeline by its SHA1 too, and the event log appends after Redis forgot it', async () => {
    const admin = open();
    const log = createRedisEventLog(open(), {
      maxEventsPerRun: 100,
      retentionMs: 60_000,
      logger: pino({ level: 'silent' }),
    });
    logs.push(log);
    const runId = uniqueId('run');
    const appended = (count: number) =>
      vi.waitFor(async () => expect(await log.read({ runId })).toHaveLength(count), { timeout: 5_000 });
    const before = await scriptCalls(admin);
    for (let seq = 1; seq <= 10; seq += 2) {
      log.append(event(runId, seq));
      log.append(event(runId, seq + 1));
      await appended(seq + 1); // two appends of a tick: one pipeline each time, five in all
    }
    const sent = await scriptCalls(admin);
    expect(sent.eval - before.eval).toBe(1);
    expect(sent.evalsha - before.evalsha).toBe(9);

    await admin.script('FLUSH');
    for (let seq = 11; seq <= 15; seq += 1) log.append(event(runId, seq));
    await appended(15);
    expect((await log.read({ runId })).map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it("sends the event log's appends with the tick's other writes on the connection, once the microtasks have run", async () => {
    const redis = open();
    const keyPrefix = `${uniqueId('together')}:`;
    const stats = createRedisStatsStore(redis, { keyPrefix });
    const log = createRedisEventLog(redis, {
      maxEventsPerRun: 100,
      retentionMs: 60_000,
      keyPrefix,
      logger: pino({ level: 'silent' }),
    });
    logs.push(log);
    const runId = uniqueId('run');
    // Both scripts sent once (EVAL) and the connection up, so that what follows is a tick's writes alone.
    log.append(event(runId, 1));
    await stats.record('p/m', { at: 0, ok: true });
    const writes = vi.spyOn(redis.stream, 'write');
    const writesAtTurnEnd = new Promise<number>((resolve) => setImmediate(() => resolve(writes.mock.calls.length)));
    const recorded = stats.record('p/m', { at: 1, ok: true });
    log.append(event(runId, 2));
    expect(await writesAtTurnEnd).toBe(1); // gone before the turn's end: a follower is not kept waiting
    expect(await recorded).toMatchObject({ samples: 2 });
    expect(writes).toHaveBeenCalledTimes(1); // and the stats update went with it, in one pipeline
    expect((await log.read({ runId })).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses to queue a script in a pipeline of a connection it was not defined on', () => {
    const script = new LuaScript('test-unknown', 'return 1');
    expect(() => script.queue(open().pipeline(), 0)).toThrow(/not defined on the pipeline's connection/);
  });
});
