// Storage selection: every kind of state in memory (the embedded default), or all of it in Redis when REDIS_URL is set.
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createMemoryEventLog } from './memory/event-log.js';
import { createMemoryLockStore } from './memory/locks.js';
import { RedisCheckpointSaver } from './redis/checkpointer.js';
import { closeConnection, watchConnection } from './redis/connection.js';
import { createRedisEventLog } from './redis/event-log.js';
import { createRedisLockStore } from './redis/locks.js';
import type { EventLog, EventLogOptions, LockStore } from './types.js';

/** What createStores needs. */
export interface StoresOptions {
  /** REDIS_URL: when set (non-empty), every store uses this Redis; otherwise memory. */
  redisUrl?: string;
  logger: Logger;
  /** Overrides of DEFAULT_EVENT_LOG_OPTIONS. */
  events?: Partial<EventLogOptions>;
  /** Prefix of every Redis key and channel (default `switchboard:`); lets instances or tests share one Redis apart. */
  keyPrefix?: string;
  /** Redis only: an agent thread's checkpoints expire this long after its last write (default 7 days; 0: never). */
  checkpointTtlMs?: number;
}

/** The stores of one gateway instance. */
export interface Stores {
  eventLog: EventLog;
  /** LangGraph checkpointer of the agent graphs: LangGraph's MemorySaver (memory), or RedisCheckpointSaver. */
  checkpointer: BaseCheckpointSaver;
  /** Named leases with a TTL (one run per agent thread): this process only (memory), or every instance on the Redis. */
  locks: LockStore;
  /** Closes every store, then the Redis connection they share. */
  close(): Promise<void>;
}

/** Up to 10,000 events per run, kept for an hour after the run ends. */
export const DEFAULT_EVENT_LOG_OPTIONS: EventLogOptions = { maxEventsPerRun: 10_000, retentionMs: 60 * 60 * 1000 };

/** Builds every store on one backend: memory, unless `redisUrl` is set. */
export function createStores(options: StoresOptions): Stores {
  const events: EventLogOptions = { ...DEFAULT_EVENT_LOG_OPTIONS, ...definedOnly(options.events ?? {}) };
  if (options.redisUrl === undefined || options.redisUrl === '') {
    const eventLog = createMemoryEventLog(events);
    return { eventLog, checkpointer: new MemorySaver(), locks: createMemoryLockStore(), close: () => eventLog.close() };
  }
  // One command connection shared by the stores (each adds what it needs, e.g. the event log's subscriber).
  const redis = new Redis(options.redisUrl);
  watchConnection(redis, options.logger, 'stores');
  const prefix = options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix };
  const eventLog = createRedisEventLog(redis, { ...events, logger: options.logger, ...prefix });
  const ttl = options.checkpointTtlMs === undefined ? {} : { ttlMs: options.checkpointTtlMs };
  const checkpointer = new RedisCheckpointSaver(redis, { logger: options.logger, ...prefix, ...ttl });
  return {
    eventLog,
    checkpointer,
    locks: createRedisLockStore(redis, prefix),
    async close() {
      await eventLog.close();
      await closeConnection(redis);
    },
  };
}

/** Drops keys set to undefined, so `{ retentionMs: undefined }` keeps the default. */
function definedOnly<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}
