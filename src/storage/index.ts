// Storage selection: every kind of state in memory (the embedded default), or all of it in Redis when REDIS_URL is set.
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createMemoryEventLog } from './memory/event-log.js';
import { createMemoryKvStore } from './memory/kv.js';
import { createMemoryLockStore } from './memory/locks.js';
import { createMemoryRecordStore } from './memory/records.js';
import { createMemoryStatsStore } from './memory/stats.js';
import { createMemoryUsageStore } from './memory/usage.js';
import { createMemoryWindowStore } from './memory/windows.js';
import { RedisCheckpointSaver } from './redis/checkpointer.js';
import { closeConnection, watchConnection } from './redis/connection.js';
import { createRedisEventLog } from './redis/event-log.js';
import { createRedisKvStore } from './redis/kv.js';
import { createRedisLockStore } from './redis/locks.js';
import { createRedisRecordStore } from './redis/records.js';
import { createRedisStatsStore } from './redis/stats.js';
import { createRedisUsageStore } from './redis/usage.js';
import { createRedisWindowStore } from './redis/windows.js';
import type { EventLog, EventLogOptions, KvStore, LockStore, RecordStore, StatsStore, UsageStore, UsageStoreOptions, WindowStore } from './types.js';

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
  /** Without Redis: the directory of the records file (run-time keys, client keys); none keeps them in memory only. */
  dataDir?: string;
  /** Overrides of DEFAULT_USAGE_OPTIONS. */
  usage?: Partial<UsageStoreOptions>;
}

/** The stores of one gateway instance. */
export interface Stores {
  eventLog: EventLog;
  /** LangGraph checkpointer of the agent graphs: LangGraph's MemorySaver (memory), or RedisCheckpointSaver. */
  checkpointer: BaseCheckpointSaver;
  /** Named leases with a TTL (one run per agent thread): this process only (memory), or every instance on the Redis. */
  locks: LockStore;
  /** Sliding-window counters (upstream limits, client rpm and budgets). */
  windows: WindowStore;
  /** Values with a TTL (key health, cached responses). */
  kv: KvStore;
  /** Durable records (the key vault, client keys): Redis, or the records file in `dataDir`. */
  records: RecordStore;
  /** One record per upstream call, for /v1/usage. */
  usage: UsageStore;
  /** Each model's measured behaviour (moving averages) and prune state, for the router. */
  stats: StatsStore;
  /** Closes every store, then the Redis connection they share. */
  close(): Promise<void>;
}

/** Up to 10,000 events per run, kept for an hour after the run ends. */
export const DEFAULT_EVENT_LOG_OPTIONS: EventLogOptions = { maxEventsPerRun: 10_000, retentionMs: 60 * 60 * 1000 };

/** Usage records are kept 30 days, at most 200,000 of them. */
export const DEFAULT_USAGE_OPTIONS: UsageStoreOptions = { retentionMs: 30 * 86_400_000, maxRecords: 200_000 };

/** Builds every store on one backend: memory, unless `redisUrl` is set. */
export function createStores(options: StoresOptions): Stores {
  const events: EventLogOptions = { ...DEFAULT_EVENT_LOG_OPTIONS, ...definedOnly(options.events ?? {}) };
  const usage: UsageStoreOptions = { ...DEFAULT_USAGE_OPTIONS, ...definedOnly(options.usage ?? {}) };
  if (options.redisUrl === undefined || options.redisUrl === '') {
    const eventLog = createMemoryEventLog(events);
    return {
      eventLog,
      checkpointer: new MemorySaver(),
      locks: createMemoryLockStore(),
      windows: createMemoryWindowStore(),
      kv: createMemoryKvStore(),
      records: createMemoryRecordStore(options.dataDir),
      usage: createMemoryUsageStore(usage),
      stats: createMemoryStatsStore(),
      close: () => eventLog.close(),
    };
  }
  // One command connection shared by the stores (each adds what it needs, e.g. the event log's subscriber).
  const redis = new Redis(options.redisUrl);
  watchConnection(redis, options.logger, 'stores');
  const prefix = options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix };
  const eventLog = createRedisEventLog(redis, { ...events, logger: options.logger, ...prefix });
  const ttl = options.checkpointTtlMs === undefined ? {} : { ttlMs: options.checkpointTtlMs };
  const checkpointer = new RedisCheckpointSaver(redis, { logger: options.logger, ...prefix, ...ttl });
  const usageStore = createRedisUsageStore(redis, { ...usage, logger: options.logger, ...prefix });
  return {
    eventLog,
    checkpointer,
    locks: createRedisLockStore(redis, prefix),
    windows: createRedisWindowStore(redis, prefix),
    kv: createRedisKvStore(redis, prefix),
    records: createRedisRecordStore(redis, prefix),
    usage: usageStore,
    stats: createRedisStatsStore(redis, prefix),
    async close() {
      await usageStore.flush();
      await eventLog.close();
      await closeConnection(redis);
    },
  };
}

/** Drops keys set to undefined, so `{ retentionMs: undefined }` keeps the default. */
function definedOnly<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}
