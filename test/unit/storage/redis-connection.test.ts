// Redis connections that fail fast, on a redis-server of the test's own that it stops and freezes: commands fail
// within the timeout instead of waiting for Redis, the errors are recognised as "Redis is not answering", and the
// guarded stores turn exactly those into StoreUnavailableError.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/storage/errors.js';
import { isRedisUnavailable, openRedis } from '../../../src/storage/redis/connection.js';
import { guarded } from '../../../src/storage/redis/guard.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';

let server: RedisServer;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  for (const redis of connections.splice(0)) redis.disconnect();
});

function open(url = server.url): Redis {
  const redis = openRedis(url, 200);
  redis.on('error', () => {});
  connections.push(redis);
  return redis;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('openRedis', () => {
  it('fails a command on a stalled server with a timeout, and one on a stopped server, both as unavailable', async () => {
    const redis = open();
    expect(await redis.set('k', 'v')).toBe('OK');
    server.pause();
    let stalled: unknown;
    try {
      stalled = await failure(redis.get('k'));
    } finally {
      server.resume();
    }
    expect(stalled).toMatchObject({ message: 'Command timed out' });
    expect(isRedisUnavailable(stalled)).toBe(true);

    await server.stop();
    try {
      // Sent as the server goes away, and again while it is away: neither waits for it to come back.
      const [inFlight, offline] = [await failure(redis.get('k')), await failure(redis.get('k'))];
      expect(isRedisUnavailable(inFlight)).toBe(true);
      expect(isRedisUnavailable(offline)).toBe(true);
    } finally {
      server = await startRedisServer({ port: server.port });
    }
  });

  it('fails a first command within the timeout when Redis cannot be reached at all', async () => {
    const unreachable = await startRedisServer();
    await unreachable.stop();
    const err = await failure(open(unreachable.url).ping());
    expect(isRedisUnavailable(err)).toBe(true);
  });

  it('does not take a refused command for an outage', async () => {
    const err = await failure(open().call('NO-SUCH-COMMAND'));
    expect(err).toBeInstanceOf(Error);
    expect(isRedisUnavailable(err)).toBe(false);
    expect(isRedisUnavailable(new TypeError('a bug'))).toBe(false);
  });
});

describe('guarded', () => {
  it('turns Redis not answering into StoreUnavailableError, and lets anything else through unchanged', async () => {
    const bug = new TypeError('a bug');
    const store = guarded({
      timedOut: async () => {
        throw new Error('Command timed out');
      },
      broken: async () => {
        throw bug;
      },
      sync: () => 42,
      async fine() {
        return this.sync();
      },
    });
    const err = await failure(store.timedOut());
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ status: 503, code: 'state_unavailable' });
    expect(await failure(store.broken())).toBe(bug);
    expect([store.sync(), await store.fine()]).toEqual([42, 42]);
  });
});
