// Storage interfaces: one small interface per kind of state, each with a memory, a SQLite and a Redis backend.
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { RunEvent } from '../events/types.js';

/** What to follow or replay: one run, or every run of a thread (including runs that start later). */
export type EventFilter = { runId: string; threadId?: undefined } | { threadId: string; runId?: undefined };

/** Called for each live event, in the order the log stored them. */
export type EventListener = (event: RunEvent) => void;

/**
 * The per-run ordered event log. A run's events are appended by the instance executing it, with `seq` already set
 * (1, 2, 3... per run). Memory backend: a bounded buffer per run, kept for a retention time after the run ends.
 * Redis backend: a capped Redis Stream per run, so any instance can replay and follow any run.
 */
export interface EventLog {
  /**
   * Stores an event and delivers it to live followers. Never throws: storage failures are reported through the
   * log's own logger, so a broken log cannot break a run.
   */
  append(event: RunEvent): void;
  /**
   * The stored events matching `filter`, oldest first. For a run: those with `seq > afterSeq`.
   * For a thread: every event of its runs, each run's events in seq order, runs in the order they started
   * (`afterSeq` then applies to the thread's most recent run only).
   */
  read(filter: EventFilter, afterSeq?: number): Promise<RunEvent[]>;
  /**
   * Delivers every event matching `filter` appended from now on (on any instance, for Redis), until the returned
   * function is called. Resolves once following has started, so a caller can follow first and read after
   * without missing anything (events seen by both are told apart by run_id + seq).
   */
  follow(filter: EventFilter, listener: EventListener): Promise<() => Promise<void>>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

export interface EventLogOptions {
  /** Events kept per run; older ones are dropped first. */
  maxEventsPerRun: number;
  /** How long a finished run's events are kept (after run_finished or run_failed). */
  retentionMs: number;
}

/**
 * Named locks with a time to live, shared by every instance on the same backend (memory: one process; Redis: every
 * instance on that Redis and key prefix). The agent service holds one per thread while a run of it is in flight.
 */
export interface LockStore {
  /**
   * Takes the lock `name` for `ttlMs`, or resolves undefined when another holder has it. The lease expires by itself
   * after `ttlMs`, so an instance that crashes while holding it cannot hold the lock forever; a holder whose work
   * lasts longer extends it (e.g. every ttlMs / 3) and releases it when done.
   */
  tryAcquire(name: string, ttlMs: number): Promise<Lease | undefined>;
}

/**
 * One holding of a lock. Only its holder can release or extend it: after it expired and another took it, neither does
 * anything.
 */
export interface Lease {
  /** Gives the lock up, if this lease still holds it (otherwise does nothing). */
  release(): Promise<void>;
  /**
   * Sets the lease to expire `ttlMs` from now; false when it no longer holds the lock (it expired, or was released).
   */
  extend(ttlMs: number): Promise<boolean>;
}

/**
 * One limit checked by WindowStore.consume: `amount` more of `key` must fit under `limit` within the last `windowMs`.
 */
export interface WindowRule {
  key: string;
  windowMs: number;
  limit: number;
  /** Requests (1) or tokens (an estimate, corrected later with `adjust`). */
  amount: number;
}

/** consume's answer: taken (at `at`, for adjust) or refused, with the wait until the first refusing rule would fit. */
export type ConsumeResult = { ok: true; at: number } | { ok: false; retryAfterMs: number; key: string };

/**
 * Counters in sliding windows (requests or tokens per minute/day), atomic and shared by every instance on the same
 * backend. Windows are split in buckets and a partly expired bucket counts whole, so the count never under-states:
 * a limit is never exceeded, at the price of refusing up to one bucket's width early.
 */
export interface WindowStore {
  /** All or nothing: when every rule has room at `now`, adds every amount and resolves ok; otherwise adds nothing. */
  consume(rules: WindowRule[], now: number): Promise<ConsumeResult>;
  /** Adds `amount` (negative to give back) to the bucket of time `at` of each key: corrects an estimate once known. */
  adjust(entries: Array<{ key: string; windowMs: number; amount: number }>, at: number): Promise<void>;
  /** What `key` holds in the window ending at `now` (never below 0). */
  total(key: string, windowMs: number, now: number): Promise<number>;
}

/** Short-lived values with a time to live (key health, cached responses, run owners), shared like the other stores. */
export interface KvStore {
  get(key: string): Promise<string | undefined>;
  /** Sets `key`; it expires after `ttlMs` when given, else stays. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Durable named collections of small records (the key vault's encrypted entries, hashed client keys): in Redis, or
 * in a file in the data directory when there is no Redis, so that they survive a restart. Values are opaque strings.
 */
export interface RecordStore {
  put(collection: string, id: string, value: string): Promise<void>;
  get(collection: string, id: string): Promise<string | undefined>;
  /** Every record of the collection (any order). */
  list(collection: string): Promise<Array<{ id: string; value: string }>>;
  /** True when there was such a record. */
  delete(collection: string, id: string): Promise<boolean>;
  /**
   * Puts `value` under `id` only while the record `guard` names holds `guard.value`, writing that one first when it is
   * absent, in one atomic step; resolves what the guard record holds afterwards (`guard.value` when the put was made).
   * The key vault writes each entry so, under the meta record it was sealed with: never an entry without its meta.
   */
  putGuarded(collection: string, id: string, value: string, guard: GuardRecord): Promise<string>;
  /**
   * Calls `listener` with a collection's name after a record of it was put or deleted, on this instance or (Redis) any
   * other one on the same backend, and with undefined when changes may have been missed (a dropped subscription came
   * back): re-read everything then. Resolves, once listening, to the function that stops it.
   */
  watch(listener: RecordsListener): Promise<() => Promise<void>>;
}

/** The record a guarded put depends on, and the value it must hold. */
export interface GuardRecord {
  collection: string;
  id: string;
  value: string;
}

/** Receives the collection that changed, or undefined when any may have. */
export type RecordsListener = (collection: string | undefined) => void;

/** One upstream call, as usage accounting sees it. Keys appear only masked and by id. */
export interface UsageRecord {
  /** When the call ended (ms since the epoch). */
  ts: number;
  runId?: string;
  provider: string;
  /** `provider/model`. */
  model: string;
  keyId?: string;
  keyMasked?: string;
  /** The gateway client key's id, when auth is on. */
  clientId?: string;
  promptTokens: number;
  completionTokens: number;
  /** From the catalog's prices (costPer1M). */
  costUsd: number;
  latencyMs: number;
  /** Streams only: time to the first content. */
  ttftMs?: number;
  status: 'ok' | 'error';
  /** The ProviderError kind when status is error. */
  error?: string;
}

export interface UsageStoreOptions {
  /** Records older than this are dropped. */
  retentionMs: number;
  /** At most this many records are kept (oldest dropped first). */
  maxRecords: number;
}

/** Usage records with a bounded retention: a bounded buffer in memory, a capped Redis Stream otherwise. */
export interface UsageStore {
  /** Stores a record. Never throws: failures go to the store's logger, so accounting cannot break a request. */
  append(record: UsageRecord): void;
  /** Records with from <= ts <= to, oldest first. */
  query(from: number, to: number): Promise<UsageRecord[]>;
  /** Waits for appends still in flight (tests, shutdown). */
  flush(): Promise<void>;
}

/** Why a model was taken out of plans: its success rate, its judged quality, or a failed call while on probation. */
export type PruneReason = 'success_rate' | 'quality' | 'probation';

/**
 * One model's live measurements as a StatsStore keeps them: moving averages (see ewma.ts for the rule), how many
 * samples fed each, and its prune state. An average is absent until its first sample.
 */
export interface ModelStatsRecord {
  /** Calls counted (successes and failures) since the model was first seen, or since it came back from a prune. */
  samples: number;
  /** 0..1: moving average of success (1) and failure (0). */
  successRate?: number;
  latencyMs?: number;
  latencySamples: number;
  ttftMs?: number;
  ttftSamples: number;
  tokensPerSec?: number;
  tokensPerSecSamples: number;
  /** 0..1: moving average of judge scores. */
  quality?: number;
  qualitySamples: number;
  /** Out of plans until this time (ms), for `pruneReason`; once it has passed, the next update resets the record. */
  prunedUntil?: number;
  pruneReason?: PruneReason;
  /** Back from a prune with fewer than `minSamples` calls since: one failed call prunes it again. */
  probation: boolean;
}

/** One measurement of a model; every field but `at` is optional, and values that are not finite are ignored. */
export interface StatsUpdate {
  /** When it was measured (ms): the time prunes start from and are compared with. */
  at: number;
  /** A finished call: success (true) or failure (false). */
  ok?: boolean;
  /** Whole-call latency (give it for successful calls). */
  latencyMs?: number;
  /** Time to first token. */
  ttftMs?: number;
  /** Output tokens per second. */
  tokensPerSec?: number;
  /** A judge score, 0..1 (clamped). */
  quality?: number;
}

/** When an update prunes a model (the fields of the routing config's `pruning:`). */
export interface PruneRules {
  minSuccessRate: number;
  minQuality: number;
  /** Calls (for the success rate) or judge scores (for quality) needed before a model can be pruned. */
  minSamples: number;
  coolDownMs: number;
}

export interface StatsStoreOptions {
  /** Weight of a new sample in the moving averages once a metric has 1/alpha samples, in (0, 1]; default 0.2. */
  alpha?: number;
}

/**
 * Live measurements per model ref (`provider/model`), shared by every instance on the same backend. Each update is
 * applied atomically (settle an expired prune, fold the values into the averages, apply `rules`), so concurrent
 * updates from several instances all count.
 */
export interface StatsStore {
  /**
   * The weight of a new sample this store applies (its options' alpha), for callers that mirror its updates locally.
   */
  readonly alpha: number;
  /**
   * Applies `update` to `ref`'s record, pruning it when `rules` say so; resolves the record as it now stands.
   * Rejects (RangeError) an update whose `at` is not finite.
   */
  record(ref: string, update: StatsUpdate, rules?: PruneRules): Promise<ModelStatsRecord>;
  /** Every model's record as stored (an expired prune is still shown: settleStats in ewma.ts reads it at a time). */
  snapshot(): Promise<Map<string, ModelStatsRecord>>;
}

/** The stores of one gateway instance, all on one backend (memory, SQLite or Redis: see storage/index.ts). */
export interface Stores {
  eventLog: EventLog;
  /** LangGraph checkpointer of the agent graphs: MemorySaver, SqliteCheckpointSaver or RedisCheckpointSaver. */
  checkpointer: BaseCheckpointSaver;
  /** Named leases with a TTL (one run per agent thread): this process (memory), the database file, or the Redis. */
  locks: LockStore;
  /** Sliding-window counters (upstream limits, client rpm and budgets). */
  windows: WindowStore;
  /** Values with a TTL (key health, cached responses, run records). */
  kv: KvStore;
  /** Durable records (the key vault, client keys): the database, Redis, or (memory) the records file in `dataDir`. */
  records: RecordStore;
  /** Where `records` keeps them, for messages: a file path, or `Redis (REDIS_URL)`. */
  recordsLocation: string;
  /** One record per upstream call, for /v1/usage. */
  usage: UsageStore;
  /** Each model's measured behaviour (moving averages) and prune state, for the router. */
  stats: StatsStore;
  /**
   * Resolves when the backend answers (Redis: a PING within the command timeout; SQLite: the database is open);
   * rejects otherwise (StoreUnavailableError for Redis). For /health/ready.
   */
  ping(): Promise<void>;
  /** Writes what is pending, closes every store, then the database or Redis connection they share. */
  close(): Promise<void>;
}
