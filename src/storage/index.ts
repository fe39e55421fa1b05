// Storage selection: every kind of state in Redis when REDIS_URL is set, else in one SQLite database in the data
// directory (the embedded default), or in this process's memory when asked (throwaway runs, tests).
import path from 'node:path';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import type { Logger } from 'pino';
import { SetupError } from '../errors.js';
import { createMemoryEventLog } from './memory/event-log.js';
import { createMemoryKvStore } from './memory/kv.js';
import { createMemoryLockStore } from './memory/locks.js';
import { createMemoryRecordStore, RECORDS_FILE } from './memory/records.js';
import { createMemoryRequestLog } from './memory/requests.js';
import { createMemoryStatsStore } from './memory/stats.js';
import { createMemoryUsageStore } from './memory/usage.js';
import { createMemoryWindowStore } from './memory/windows.js';
import { DEFAULT_CHECKPOINT_TTL_MS, RedisCheckpointSaver } from './redis/checkpointer.js';
import { closeConnection, DEFAULT_COMMAND_TIMEOUT_MS, openRedis, watchConnection } from './redis/connection.js';
import { guarded, rethrow } from './redis/guard.js';
import { createRedisEventLog } from './redis/event-log.js';
import { createRedisKvStore } from './redis/kv.js';
import { createRedisLockStore } from './redis/locks.js';
import { createRedisRecordStore } from './redis/records.js';
import { createRedisRequestLog } from './redis/requests.js';
import { createRedisStatsStore } from './redis/stats.js';
import { createRedisUsageStore } from './redis/usage.js';
import { createRedisWindowStore } from './redis/windows.js';
import { createSqliteStores } from './sqlite/stores.js';
import type { EventLogOptions, RequestLogOptions, Stores, UsageStoreOptions } from './types.js';

export type { Stores } from './types.js';

/** The backends without Redis: SQLite (the default, durable) or memory (this process only). */
export type StoreKind = 'sqlite' | 'memory';

/** What createStores needs. */
export interface StoresOptions {
  /** REDIS_URL: when set (non-empty), every store uses this Redis, whatever `store` says. */
  redisUrl?: string;
  /** SWITCHBOARD_STORE, without Redis: `sqlite` (default) or `memory`. */
  store?: StoreKind;
  logger: Logger;
  /** Overrides of DEFAULT_EVENT_LOG_OPTIONS. */
  events?: Partial<EventLogOptions>;
  /** Prefix of every Redis key and channel (default `switchboard:`); lets instances or tests share one Redis apart. */
  keyPrefix?: string;
  /** Redis: how long a command may take before it fails with StoreUnavailableError (default 1 s). */
  commandTimeoutMs?: number;
  /** Redis and SQLite: an agent thread's checkpoints go this long after its last write (default 7 days; 0: never). */
  checkpointTtlMs?: number;
  /**
   * Without Redis, the data directory: SQLite keeps its database there (default DEFAULT_DATA_DIR, in the working
   * directory); memory keeps only the records file there (none: records in memory too).
   */
  dataDir?: string;
  /** SQLite: longest wait of a per-request write (usage, windows, stats, kv, events) before it is written. */
  batchIntervalMs?: number;
  /** Overrides of the usage options (by default the records follow the request log's retention). */
  usage?: Partial<UsageStoreOptions>;
  /** Overrides of DEFAULT_REQUEST_LOG_OPTIONS. */
  requests?: Partial<RequestLogOptions>;
}

/** Up to 10,000 events per run, kept for an hour after the run ends. */
export const DEFAULT_EVENT_LOG_OPTIONS: EventLogOptions = { maxEventsPerRun: 10_000, retentionMs: 60 * 60 * 1000 };

/** The request log keeps 30 days of requests, at most 1,000,000 of them; usage records follow it by default. */
const DEFAULT_REQUEST_LOG_OPTIONS: RequestLogOptions = { retentionMs: 30 * 86_400_000, maxRows: 1_000_000 };
/**
 * The memory store keeps at most 100,000 requests unless told otherwise: its rows and usage records live on the heap
 * (about 0.7 KB a request together), so a million would be some 700 MB that the collector marks again and again.
 */
const MEMORY_MAX_ROWS = 100_000;

/** The data directory when none is configured (SWITCHBOARD_DATA_DIR), relative to the working directory. */
export const DEFAULT_DATA_DIR = '.switchboard';

/** The store kind SWITCHBOARD_STORE names ('' or unset: undefined, the default); throws on any other value. */
export function parseStoreKind(value: string | undefined): StoreKind | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'sqlite' || value === 'memory') return value;
  throw new SetupError(`SWITCHBOARD_STORE must be sqlite or memory (or unset), not ${JSON.stringify(value)}`);
}

/** SWITCHBOARD_REDIS_TIMEOUT_MS ('' or unset: undefined, the default); throws on anything but a positive integer. */
function parseCommandTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (Number.isInteger(ms) && ms > 0) return ms;
  throw new SetupError(
    `SWITCHBOARD_REDIS_TIMEOUT_MS must be a positive number of milliseconds, not ${JSON.stringify(value)}`,
  );
}

/** The data directory: SWITCHBOARD_DATA_DIR, else DEFAULT_DATA_DIR, made absolute against the working directory. */
export function dataDirFromEnv(env: Record<string, string | undefined>): string {
  return path.resolve(env['SWITCHBOARD_DATA_DIR'] || DEFAULT_DATA_DIR);
}

/** Where the environment puts the state: what createStores takes from it. */
export type StoresEnvOptions = Pick<StoresOptions, 'redisUrl' | 'store' | 'dataDir' | 'keyPrefix' | 'commandTimeoutMs'>;

/**
 * The store options of the environment: REDIS_URL, SWITCHBOARD_STORE, SWITCHBOARD_DATA_DIR (resolved against the
 * working directory), SWITCHBOARD_REDIS_PREFIX and SWITCHBOARD_REDIS_TIMEOUT_MS. Throws SetupError on a bad value.
 */
export function storesOptionsFromEnv(env: Record<string, string | undefined>): StoresEnvOptions {
  // SWITCHBOARD_STORE=memory: nothing written to disk but the records file (throwaway runs, tests); REDIS_URL wins.
  const store = parseStoreKind(env['SWITCHBOARD_STORE']);
  // SWITCHBOARD_REDIS_PREFIX keeps deployments (or test runs) that share one Redis apart.
  const keyPrefix = env['SWITCHBOARD_REDIS_PREFIX'] || undefined;
  const commandTimeoutMs = parseCommandTimeout(env['SWITCHBOARD_REDIS_TIMEOUT_MS']);
  const redisUrl = env['REDIS_URL'] || undefined;
  return {
    dataDir: dataDirFromEnv(env),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(store === undefined ? {} : { store }),
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
  };
}

/** Builds every store on one backend: Redis when `redisUrl` is set, else SQLite, or memory when `store` says so. */
export function createStores(options: StoresOptions): Stores {
  const events: EventLogOptions = { ...DEFAULT_EVENT_LOG_OPTIONS, ...definedOnly(options.events ?? {}) };
  const inMemory = (options.redisUrl === undefined || options.redisUrl === '') && options.store === 'memory';
  const requests: RequestLogOptions = {
    ...DEFAULT_REQUEST_LOG_OPTIONS,
    ...(inMemory ? { maxRows: MEMORY_MAX_ROWS } : {}),
    ...definedOnly(options.requests ?? {}),
  };
  // Raw usage records are kept as long as the request log's rows; their rollups longer (usage-rollups.ts).
  const usage: UsageStoreOptions = {
    retentionMs: requests.retentionMs,
    maxRecords: requests.maxRows,
    ...definedOnly(options.usage ?? {}),
  };
  const checkpointTtlMs = options.checkpointTtlMs ?? DEFAULT_CHECKPOINT_TTL_MS;
  if (options.redisUrl === undefined || options.redisUrl === '') {
    if (options.store === 'memory') return createMemoryStores(events, usage, requests, options.dataDir);
    const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    const { logger, batchIntervalMs } = options;
    const batch = batchIntervalMs === undefined ? {} : { batchIntervalMs };
    return createSqliteStores({ dataDir, logger, events, usage, requests, checkpointTtlMs, ...batch });
  }
  // One command connection shared by the stores (each adds what it needs, e.g. the event log's subscriber).
  const redis = openRedis(options.redisUrl, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  watchConnection(redis, options.logger, 'stores');
  const prefix = options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix };
  const eventLog = createRedisEventLog(redis, { ...events, logger: options.logger, ...prefix });
  const checkpointer = new RedisCheckpointSaver(redis, { logger: options.logger, ...prefix, ttlMs: checkpointTtlMs });
  const usageStore = createRedisUsageStore(redis, { ...usage, logger: options.logger, ...prefix });
  const requestLog = createRedisRequestLog(redis, { ...requests, logger: options.logger, ...prefix });
  const records = createRedisRecordStore(redis, { ...prefix, logger: options.logger });
  // Guarded: a command Redis does not answer rejects with StoreUnavailableError (503 state_unavailable).
  return {
    eventLog: guarded(eventLog),
    checkpointer: guarded(checkpointer),
    locks: guarded(createRedisLockStore(redis, prefix)),
    windows: guarded(createRedisWindowStore(redis, prefix)),
    kv: guarded(createRedisKvStore(redis, prefix)),
    records: guarded(records),
    recordsLocation: 'Redis (REDIS_URL)',
    usage: guarded(usageStore),
    requests: guarded(requestLog),
    stats: guarded(createRedisStatsStore(redis, prefix)),
    ping: () => redis.ping().then(() => undefined, rethrow),
    async close() {
      await Promise.all([usageStore.flush(), requestLog.flush()]);
      await Promise.all([eventLog.close(), records.close()]);
      await closeConnection(redis);
    },
  };
}

/** Every store in this process's memory; the records in `dataDir`'s records file when one is given. */
function createMemoryStores(
  events: EventLogOptions,
  usage: UsageStoreOptions,
  requests: RequestLogOptions,
  dataDir: string | undefined,
): Stores {
  const eventLog = createMemoryEventLog(events);
  return {
    eventLog,
    checkpointer: new MemorySaver(),
    locks: createMemoryLockStore(),
    windows: createMemoryWindowStore(),
    kv: createMemoryKvStore(),
    records: createMemoryRecordStore(dataDir),
    recordsLocation: dataDir === undefined ? 'memory (no data directory)' : path.join(dataDir, RECORDS_FILE),
    usage: createMemoryUsageStore(usage),
    requests: createMemoryRequestLog(requests),
    stats: createMemoryStatsStore(),
    ping: async () => {},
    close: () => eventLog.close(),
  };
}

/** Drops keys set to undefined, so `{ retentionMs: undefined }` keeps the default. */
function definedOnly<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}
