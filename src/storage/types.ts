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
  /** `total` with when the window is whole again, in one read (the status page's free-tier headroom). */
  level(key: string, windowMs: number, now: number): Promise<WindowLevel>;
}

/** What a window holds at a time, and when all of it has stopped counting. */
export interface WindowLevel {
  total: number;
  /** When every amount counted now has left the window (ms since the epoch); absent when it holds nothing. */
  clearsAt?: number;
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
  /** Hourly rollups older than this are dropped (default 90 days: usage-rollups.ts). */
  hourlyRetentionMs?: number;
  /** Daily rollups older than this are dropped (default about 5 years: usage-rollups.ts). */
  dailyRetentionMs?: number;
}

/**
 * Usage summed over calls that share provider, model, provider key and client: one rollup row of an hour or a day,
 * or the sums of one record. Averages are left to the reader (sums add up across rows; averages do not).
 */
export interface UsageSums {
  provider: string;
  model: string;
  keyId?: string;
  keyMasked?: string;
  clientId?: string;
  /** Calls, failed ones included. */
  requests: number;
  /** Calls whose status is error. */
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** The sum of the calls' latencies (ms). */
  latencyMs: number;
  /** The sum of the streamed calls' times to first content (ms). */
  ttftMs: number;
  /** Calls that have a ttftMs (streams). */
  streams: number;
}

/**
 * Usage records with a bounded retention (a bounded buffer in memory, a table in SQLite, a capped Redis Stream), and
 * hourly and daily rollups of them (per provider, model, key and client) kept longer, so that totals over months are
 * read from a few rollup rows instead of every call.
 */
export interface UsageStore {
  /** Stores a record. Never throws: failures go to the store's logger, so accounting cannot break a request. */
  append(record: UsageRecord): void;
  /** Records with from <= ts <= to, oldest first. */
  query(from: number, to: number): Promise<UsageRecord[]>;
  /**
   * The sums of the calls with from <= ts <= to, per provider, model, key and client: whole days and hours inside the
   * range from the rollups, its edges from the records (see usage-rollups.ts for what is left out past retention).
   */
  totals(from: number, to: number): Promise<UsageSums[]>;
  /** Waits for appends still in flight (tests, shutdown). */
  flush(): Promise<void>;
}

/** How a request ended: answered, failed (an error answer, or a stream that broke), or the client went away first. */
export type RequestStatus = 'ok' | 'error' | 'aborted';

/** One upstream call made for a request, as the request log lists it. */
export interface RequestAttempt {
  /** `provider/model`. */
  model: string;
  provider: string;
  /** How long the call took (ms). */
  ms: number;
  /** The failure's kind (rate_limit, server, timeout, network, aborted...) when the call failed. */
  error?: string;
}

/**
 * One request of the chat and agent routes as the request log keeps it: metadata only. Prompt and answer text are
 * there only when content logging is on (and the request did not opt out), truncated.
 */
export interface RequestRecord {
  /** When the request arrived (ms since the epoch). */
  ts: number;
  /** Absent for a request refused before it had one (a malformed x-switchboard-run-id). */
  runId?: string;
  /** Which route served it: `chat`, `contextual_chat`, `responses`, `messages` (Anthropic's) or `agent`. */
  route: string;
  /** The gateway client key's id, when a client key made it. */
  clientId?: string;
  /** The `model` the request named (`auto`, `provider/model`, a bare id), when it named one. */
  modelAsked?: string;
  /** The `provider/model` that answered. */
  modelUsed?: string;
  /** The provider of modelUsed. */
  provider?: string;
  stream: boolean;
  status: RequestStatus;
  /** The HTTP status sent (200 for a stream that started, even if it broke later). */
  httpStatus: number;
  /** What went wrong when status is error: OpenAI's error code of the answer, or `upstream_stream_error`. */
  error?: string;
  /** Every upstream call made for it, in the order they ended. */
  attempts: RequestAttempt[];
  /** From arrival to the last byte sent (ms). */
  latencyMs: number;
  /** Streams: from arrival to the first chunk sent (ms). */
  ttftMs?: number;
  /** Summed over its upstream calls. */
  promptTokens: number;
  completionTokens: number;
  /** Summed over its upstream calls, from the catalog's prices; null when no call was made (a cache hit, a refusal). */
  costUsd: number | null;
  /** Answered from the response cache. */
  cacheHit: boolean;
  /** Content logging only: the prompt and the answer as text, each truncated. */
  content?: { prompt: string; answer?: string };
}

/** A stored request: its record and the id the store gave it (pass it as `before` to list older ones). */
export interface StoredRequest extends RequestRecord {
  id: string;
}

/** Which requests to list: every field given must match. */
export interface RequestFilter {
  /** The model used. */
  model?: string;
  /** The provider of the model used. */
  provider?: string;
  /** A RequestStatus, or an HTTP status (a number). */
  status?: RequestStatus | number;
  clientId?: string;
  /** Only requests that arrived at or after this time (ms since the epoch). */
  since?: number;
}

/** One page of the request log: at most `limit` rows older than `before`, newest first. */
export interface RequestQuery extends RequestFilter {
  limit: number;
  /** An id this store returned (a row's id, or a page's `next`); absent: from the newest. */
  before?: string;
}

/** What RequestLogStore.list answers. */
export interface RequestPage {
  /** Newest first (in the order the requests ended and were appended). */
  rows: StoredRequest[];
  /** Pass as `before` for the next page; absent when there is no older row to look at. */
  next?: string;
}

export interface RequestLogOptions {
  /** Rows whose request arrived longer ago than this are dropped. */
  retentionMs: number;
  /** At most this many rows are kept (the oldest appended dropped first). */
  maxRows: number;
}

/**
 * The request log: one row per request, newest first, with a bounded retention. A bounded buffer in memory, a table
 * written behind in SQLite (indexed for each filter), a capped Redis Stream shared by every instance.
 */
export interface RequestLogStore {
  /** Stores a row. Never throws: failures go to the store's logger, so logging cannot break a request. */
  append(record: RequestRecord): void;
  /** A page of rows matching the query; rejects with a RangeError when `before` is not an id of this store's kind. */
  list(query: RequestQuery): Promise<RequestPage>;
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
  /**
   * Evidence per task (the router's bandit arms, src/routing/bandit.ts) and per prompt cluster (`code__hard`, the
   * learned complexity's): how good its answers were, as fractional counts. Absent until the first; kept when a prune ends (the bandit decides when to try the model again).
   */
  arms?: Record<string, ArmCounts>;
}

/** One (task, model) arm's evidence: a Beta posterior's counts above its prior. */
export interface ArmCounts {
  /** Summed credit of its answers (a judge score, 1 for an unjudged answer that came). */
  good: number;
  /** Summed shortfall (1 − the score; 1 for a failed call). */
  bad: number;
}

/** Evidence for one (task, model) arm: `good` of one answer (0..1, clamped); 1 − good counts as bad. */
export interface ArmUpdate {
  /**
   * The request's task, or a prompt cluster (`code__hard`, src/routing/learned-complexity.ts): lower-case letters and
   * `_`, at most 32 (anything else is dropped).
   */
  task: string;
  good: number;
  /**
   * When good + bad would exceed this, both are scaled down to it: old evidence fades, so the arm keeps adapting
   * (absent: no limit).
   */
  window?: number;
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
  /** Evidence for one of the model's task arms. */
  arm?: ArmUpdate;
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
  /** A model's record is forgotten this long after its last update (default 30 days: models no longer called). */
  ttlMs?: number;
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
  /**
   * What record does, at once, on a store in this process (memory and SQLite; Redis has none): returns the stored
   * record itself, not a copy. The store never changes a record it has handed out (each update stores a new one), and
   * the caller must not change it either. Throws (RangeError) an update whose `at` is not finite, having changed
   * nothing.
   */
  recordNow?(ref: string, update: StatsUpdate, rules?: PruneRules): ModelStatsRecord;
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
  /** One record per upstream call and their hourly and daily rollups, for /v1/usage. */
  usage: UsageStore;
  /** One row per request of the chat and agent routes, for /v1/requests. */
  requests: RequestLogStore;
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
