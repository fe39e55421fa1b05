// Initializers for LangGraph's checkpointer conformance suite: the Redis saver (a fresh key prefix each), the SQLite
// saver (a fresh database file each) and MemorySaver.
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisCheckpointSaver } from '../../src/storage/redis/checkpointer.js';
import { SqliteCheckpointSaver } from '../../src/storage/sqlite/checkpointer.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { openTestDatabase, tempDataDir } from '../helpers/sqlite.js';

/**
 * The suite's spec functions call describe/it/expect/beforeAll... as globals (it expects vitest's `globals: true`),
 * while this project imports them; hand them over before calling validate() or a spec function.
 */
export function provideVitestGlobals(): void {
  Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach });
}

/**
 * The Redis saver on the test run's redis-server. Every checkpointer gets its own key prefix (the suite requires that
 * no checkpointer sees another's state; list() without a thread id sees a whole prefix) and one shared connection;
 * destroying it removes its keys.
 */
export function redisCheckpointerInitializer(): CheckpointSaverTestInitializer<RedisCheckpointSaver> {
  let redis: Redis | undefined;
  const prefixes = new WeakMap<RedisCheckpointSaver, string>();
  const connection = (): Redis => {
    if (redis === undefined) throw new Error('beforeAll did not run');
    return redis;
  };
  return {
    checkpointerName: 'RedisCheckpointSaver',
    beforeAll() {
      redis = new Redis(testRedisUrl());
    },
    async afterAll() {
      redis?.disconnect();
    },
    createCheckpointer() {
      const keyPrefix = uniqueKeyPrefix('checkpointer-validation');
      const saver = new RedisCheckpointSaver(connection(), { keyPrefix });
      prefixes.set(saver, keyPrefix);
      return saver;
    },
    async destroyCheckpointer(saver) {
      const prefix = prefixes.get(saver);
      if (prefix !== undefined) await deleteKeys(connection(), prefix);
    },
  };
}

/** The SQLite saver, each checkpointer on a database file of its own, closed and removed when it is destroyed. */
export function sqliteCheckpointerInitializer(): CheckpointSaverTestInitializer<SqliteCheckpointSaver> {
  const closers = new WeakMap<SqliteCheckpointSaver, () => void>();
  return {
    checkpointerName: 'SqliteCheckpointSaver',
    createCheckpointer() {
      const temp = tempDataDir('checkpointer-validation');
      const opened = openTestDatabase(temp.file);
      const saver = new SqliteCheckpointSaver(opened.db);
      closers.set(saver, () => {
        opened.close();
        temp.remove();
      });
      return saver;
    },
    destroyCheckpointer(saver) {
      closers.get(saver)?.();
    },
  };
}

/**
 * LangGraph's own in-memory saver, the reference (the suite skips what it documents MemorySaver as lacking by this
 * name).
 */
export const memoryCheckpointerInitializer: CheckpointSaverTestInitializer<MemorySaver> = {
  checkpointerName: 'MemorySaver',
  createCheckpointer: () => new MemorySaver(),
};

/** Removes every key under `prefix` (SCAN, never KEYS: the test Redis is shared with other test files). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}
