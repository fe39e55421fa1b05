// What only the Redis event log has: its key layout and TTLs, failure logging, one subscriber connection, close.
import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisEventLog } from '../../src/storage/redis/event-log.js';
import type { EventLog } from '../../src/storage/types.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { collector, event, eventually, uniqueId } from './event-log.helpers.js';

const silent = pino({ level: 'silent' });
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function connect(options: RedisOptions = {}): Redis {
  const redis = new Redis(testRedisUrl(), options);
  cleanup.push(async () => redis.disconnect());
  return redis;
}
function track(log: EventLog): EventLog {
  cleanup.push(() => log.close());
  return log;
}

/** A pino logger whose lines land in `lines`. */
function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    logger: pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    ),
  };
}

/** How many connections to Redis carry the client name `name` (duplicates inherit it). */
async function namedClients(redis: Redis, name: string): Promise<number> {
  return String(await redis.client('LIST'))
    .split('\n')
    .filter((line) => line.includes(` name=${name} `)).length;
}

describe('Redis event log', () => {
  it('stores a run as a stream keyed by seq, indexes its thread, publishes live, and sets TTLs', async () => {
    const redis = connect();
    const prefix = uniqueKeyPrefix('layout');
    const log = track(
      createRedisEventLog(redis, {
        maxEventsPerRun: 100,
        retentionMs: 5_000,
        unfinishedTtlMs: 60_000,
        keyPrefix: prefix,
        logger: silent,
      }),
    );
    const [id, thread] = [uniqueId('r'), uniqueId('t')];
    const [runKey, threadKey] = [`${prefix}events:run:${id}`, `${prefix}events:thread:${thread}`];
    const sub = connect();
    const published: [string, string][] = [];
    sub.on('message', (channel: string, message: string) => published.push([channel, message]));
    await sub.subscribe(`${prefix}events:live:run:${id}`, `${prefix}events:live:thread:${thread}`);

    const first = [event(id, 1, 'run_started', { thread_id: thread }), event(id, 2, 'token', { thread_id: thread })];
    first.forEach((e) => log.append(e));
    // A read through the log sends its queued appends first; what is sent after it on `redis` sees them.
    expect(await log.read({ runId: id })).toEqual(first);
    expect(await redis.type(runKey)).toBe('stream');
    expect(await redis.xrange(runKey, '-', '+')).toEqual(first.map((e) => [`${e.seq}-0`, ['e', JSON.stringify(e)]]));
    expect(await redis.zrange(threadKey, 0, '-1', 'WITHSCORES')).toEqual([id, String(first[0]!.ts)]);
    expect(await redis.pttl(runKey)).toBeGreaterThan(50_000);
    expect(await redis.pttl(runKey)).toBeLessThanOrEqual(60_000);

    log.append(event(id, 3, 'run_finished', { thread_id: thread }));
    await log.read({ runId: id });
    const runTtl = await redis.pttl(runKey);
    expect(runTtl).toBeGreaterThan(0);
    expect(runTtl).toBeLessThanOrEqual(5_000);
    expect(await redis.pttl(threadKey)).toBeGreaterThan(50_000); // the index outlives its runs
    await eventually('six live messages', () => published.length === 6);
    expect(
      published
        .filter(([channel]) => channel.endsWith(`run:${id}`))
        .map(([, m]) => (JSON.parse(m) as { seq: number }).seq),
    ).toEqual([1, 2, 3]);
  });

  it('logs a failed append once per outage, never throws, and logs the recovery', async () => {
    const redis = connect({ lazyConnect: true, enableOfflineQueue: false });
    const { logger, lines } = capture();
    const log = track(
      createRedisEventLog(redis, {
        maxEventsPerRun: 100,
        retentionMs: 5_000,
        keyPrefix: uniqueKeyPrefix('failing'),
        logger,
      }),
    );
    const id = uniqueId('r');
    // Not connected and no offline queue: Redis refuses every command at once.
    expect(() => [1, 2, 3].forEach((seq) => log.append(event(id, seq)))).not.toThrow();
    await eventually('the failure logged', () =>
      lines.some((l) => l.msg === 'event log: append failed; counting further failures until one succeeds'),
    );
    if (redis.status !== 'ready') await once(redis, 'ready');
    log.append(event(id, 4));
    await eventually('the recovery logged', () => lines.some((l) => l.msg === 'event log: appends succeed again'));
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
    expect(lines.find((l) => l.msg === 'event log: appends succeed again')?.failed).toBe(3);
    expect((await log.read({ runId: id })).map((e) => e.seq)).toEqual([4]);
  });

  it('serves many followers with one subscriber connection and one subscription per channel', async () => {
    const name = uniqueId('fanout');
    const redis = connect({ connectionName: name });
    const prefix = uniqueKeyPrefix('fanout');
    const log = track(
      createRedisEventLog(redis, { maxEventsPerRun: 100, retentionMs: 5_000, keyPrefix: prefix, logger: silent }),
    );
    const runs = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
    const followers = Array.from({ length: 300 }, () => collector());
    await Promise.all(followers.map((f, i) => log.follow({ runId: runs[i % 3]! }, f.listener)));
    runs.forEach((id) => log.append(event(id, 1)));
    await eventually('every follower served', () => followers.every((f) => f.events.length === 1));
    expect(followers.every((f, i) => f.events[0]?.run_id === runs[i % 3])).toBe(true);
    expect(await namedClients(redis, name)).toBe(2); // the command connection and one subscriber
    // PUBSUB NUMSUB answers [channel, subscribers, channel, subscribers...]: one subscription per run channel.
    const numsub = await redis.pubsub('NUMSUB', ...runs.map((id) => `${prefix}events:live:run:${id}`));
    expect(numsub.filter((_, i) => i % 2 === 1)).toEqual([1, 1, 1]);
  });

  it('closes the connections it opened and leaves a given one open', async () => {
    const owned = createRedisEventLog(
      { url: testRedisUrl() },
      { maxEventsPerRun: 100, retentionMs: 5_000, keyPrefix: uniqueKeyPrefix('close'), logger: silent },
    );
    await owned.follow({ runId: uniqueId('r') }, () => {});
    await owned.close();
    await expect(owned.read({ runId: uniqueId('r') })).rejects.toThrow(/closed/i);
    const name = uniqueId('given');
    const given = connect({ connectionName: name });
    const log = createRedisEventLog(given, {
      maxEventsPerRun: 100,
      retentionMs: 5_000,
      keyPrefix: uniqueKeyPrefix('close'),
      logger: silent,
    });
    await log.follow({ runId: uniqueId('r') }, () => {});
    await log.close();
    expect(await given.ping()).toBe('PONG');
    await eventually('only the given connection left', async () => (await namedClients(given, name)) === 1);
  });
});
