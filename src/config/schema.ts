// The zod schema of switchboard.yaml and of the built-in catalog (same shape): providers, models, limits, routing.
import { z } from 'zod';
import { EMBEDDING_PROTOCOLS } from '../providers/embedding-protocols.js';
import { EMBEDDING_INPUT_TYPES } from '../providers/embedding-types.js';
import { PROTOCOLS } from '../providers/protocols.js';
import { AliasesSchema } from './aliases-schema.js';
import { RoutingSchema, TASKS } from './routing-schema.js';

/** What a model can do; `embeddings` marks an embedding model (POST /v1/embeddings), which chat routing never picks. */
export const CAPABILITIES = [
  'chat',
  'code',
  'tools',
  'vision',
  'json',
  'long_context',
  'reasoning',
  'embeddings',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export { DOMAINS, MODEL_QUALITIES, TASKS, type Domain, type ModelQuality, type Task } from './routing-schema.js';

const unit = z.number().min(0).max(1);
/** A price in USD per million tokens, for prompt (input) and completion (output) tokens. */
const PriceSchema = z.strictObject({ input: z.number().min(0), output: z.number().min(0) });

export const ModelSchema = z.strictObject({
  /** The provider's own model id; Switchboard names it `provider/id`. */
  id: z.string().min(1),
  name: z.string().optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).default(['chat']),
  contextWindow: z.number().int().positive().default(8192),
  maxOutputTokens: z.number().int().positive().optional(),
  /** 0..1 prior of answer quality. */
  quality: unit.default(0.5),
  /** 0..1 prior of speed (higher is faster). */
  speed: unit.default(0.5),
  /** Per-task quality priors (0..1) that override `quality` for that task. */
  strengths: z.partialRecord(z.enum(TASKS), unit).optional(),
  /** USD per million tokens as this key pays them: 0 on a free tier, the list price otherwise. */
  costPer1M: PriceSchema.default({ input: 0, output: 0 }),
  /**
   * The provider's published paid price of the same tokens (USD per million), when it differs from costPer1M (a free
   * tier of a model that is also sold): what usage reports count as saved. Absent: costPer1M when it is not 0, else no
   * list price is known.
   */
  listPricePer1M: PriceSchema.optional(),
  /** false takes the model out of routing and of /v1/models (its provider stays on). */
  enabled: z.boolean().optional(),
  /** Embedding models: the length of the vectors it returns by default. */
  dimensions: z.number().int().positive().optional(),
  /**
   * Embedding models: the other lengths it can return when asked (`dimensions` in the request): a list, or any length
   * from `min` up to `dimensions` (Matryoshka models). Absent: only `dimensions`.
   */
  dimensionOptions: z
    .union([z.array(z.number().int().positive()).min(1), z.strictObject({ min: z.number().int().positive() })])
    .optional(),
  /**
   * Embedding models: the vector space it writes to. Models of one family and length return the same vectors (the
   * same open model on two providers), so a request may fall back from one to the other, never to another family.
   * Absent: the model's own `provider/id`, so it has no stand-in.
   */
  family: z.string().min(1).optional(),
  /** Embedding models: the most inputs one upstream call may carry (default: the wire protocol's own limit). */
  maxBatch: z.number().int().positive().optional(),
  /**
   * Embedding models whose OpenAI-compatible API wants an `input_type` (NVIDIA's retrieval models: `query` for a
   * query, `passage` for a document): its value for each of the request's `input_type`s. A request without one, or
   * with one not listed, is sent `search_document`'s. Absent: no `input_type` is sent.
   */
  inputTypes: z.partialRecord(z.enum(EMBEDDING_INPUT_TYPES), z.string().min(1)).optional(),
  /** Found in the provider's own listing (discovery), not written in the catalog or the config. */
  discovered: z.boolean().optional(),
  /** The day (YYYY-MM-DD) it left the provider's listing: not routed to from then on. */
  retiredAt: z.string().optional(),
  /**
   * The day (YYYY-MM-DD, from its start in UTC) or the ISO date-time the provider shuts it down, as its listing says:
   * not routed to from then on (a timer rebuilds the registry at that moment).
   */
  shutdownAt: z.string().optional(),
});
export type ModelConfig = z.infer<typeof ModelSchema>;

export const LimitsSchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  rpd: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  tpd: z.number().int().positive().optional(),
  /** Requests in flight at once, per provider. */
  concurrency: z.number().int().positive().optional(),
});
export type Limits = z.infer<typeof LimitsSchema>;

/** `models: discover` is short for no models written out and `discover: true`. */
const discoverShorthand = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null || (value as { models?: unknown }).models !== 'discover')
    return value;
  const { models: _models, ...rest } = value as Record<string, unknown>;
  return { ...rest, discover: true };
};

/** A provider as written in the catalog or the config file; fields a catalog entry supplies may be left out. */
const ProviderEntryFields = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_" and "-"'),
  name: z.string().optional(),
  protocol: z.enum(PROTOCOLS).optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Keys written out (or as "${VAR}"); more come from `keyEnv`. */
  apiKeys: z.array(z.string()).optional(),
  /** Environment variables holding keys, comma-separated when several. */
  keyEnv: z.array(z.string()).optional(),
  /** An environment variable that, when set, overrides `baseUrl` and turns the provider on (Ollama). */
  baseUrlEnv: z.string().optional(),
  /**
   * Environment variables that must be set besides a key (an account id in the base URL, say); until they are, it stays
   * off.
   */
  requiredEnv: z.array(z.string()).optional(),
  /** The provider needs no key (local servers). */
  keyless: z.boolean().optional(),
  /** false turns a provider off even when it has keys. */
  enabled: z.boolean().optional(),
  /**
   * The name the provider wants for the output-token limit (openai protocol): most OpenAI-compatible servers know only
   * `max_tokens`; OpenAI's own API rejects it for reasoning models and wants `max_completion_tokens`.
   */
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  /** Extra headers sent with every request to this provider. */
  headers: z.record(z.string(), z.string()).optional(),
  limits: LimitsSchema.optional(),
  /**
   * Calls its upstream pool carries at once per origin: HTTP/1.1 connections, or HTTP/2 streams (sessions of 100).
   * Absent: its concurrency cap (`limits.concurrency`, else `accounts.defaultConcurrency`), so that a call the cap lets
   * through never waits for a socket.
   */
  maxConnections: z.number().int().positive().optional(),
  /**
   * Offer HTTP/2 when connecting (TLS origins only: it is chosen by ALPN, so a provider that does not speak it gets
   * HTTP/1.1), up to 100 calls multiplexed on each session. Off unless set: see docs/CONFIG.md on why.
   */
  http2: z.boolean().optional(),
  /**
   * Where its embedding models are called, when not the way its chat models are: Cohere's chat goes through its
   * OpenAI-compatible API, its embeddings through its own v2 API (`protocol: cohere`). Absent: `protocol` and `baseUrl`.
   */
  embeddings: z
    .strictObject({
      protocol: z.enum(EMBEDDING_PROTOCOLS).optional(),
      baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    })
    .optional(),
  /** Where a user gets a key; printed when no provider is enabled. */
  signupUrl: z.string().optional(),
  /**
   * A one-time trial credit instead of a lasting free tier (Upstage's $10, Google Cloud's $300, Scaleway's first
   * million tokens): `currency` is an ISO code or `tokens`. Its models are priced at list price, so the cost penalty
   * ranks them after free ones.
   */
  trialCredit: z
    .strictObject({
      amount: z.number().positive(),
      currency: z.string().min(1),
      /** Days it lasts after signup, where the provider says. */
      days: z.number().int().positive().optional(),
    })
    .optional(),
  notes: z.string().optional(),
  models: z.array(ModelSchema).optional(),
  /**
   * Add the models of the provider's own listing to those written out (discovery; `models: discover` is this with
   * none written out). Unset: a provider without models discovers; one with models does when `discovery.all` is on.
   */
  discover: z.boolean().optional(),
});
export const ProviderEntrySchema = z.preprocess(discoverShorthand, ProviderEntryFields);
export type ProviderEntry = z.infer<typeof ProviderEntrySchema>;

const TimeoutsSchema = z.strictObject({
  connectMs: z.number().int().positive().default(5_000),
  /**
   * The longest wait for an upstream's response head (a wait for a connection or a concurrency slot included), and
   * the timeout of a model not measured yet.
   */
  firstByteMs: z.number().int().positive().default(30_000),
  /** The shortest first-byte timeout of a measured model: it gets `firstByteFactor` × its measured time to first byte. */
  firstByteMinMs: z.number().int().positive().default(10_000),
  firstByteFactor: z.number().min(1).default(4),
  idleMs: z.number().int().positive().default(30_000),
});

const EventsSchema = z.strictObject({
  /**
   * Record every run's events. By default only runs a client can follow are recorded: those whose id it chose
   * (`x-switchboard-run-id`) and agent threads; the others cost nothing for events.
   */
  recordAll: z.boolean().default(false),
  /** Events kept per run; older ones are dropped first. */
  maxEventsPerRun: z.number().int().positive().default(10_000),
  /** How long a finished run's events can still be replayed. */
  retentionMs: z.number().int().positive().default(3_600_000),
  /** WebSocket heartbeat: a client that did not answer the previous ping is dropped. */
  heartbeatMs: z.number().int().positive().default(30_000),
  /** Messages queued for one WebSocket client before it is told it fell behind and is disconnected. */
  maxQueuedMessages: z.number().int().positive().default(4_096),
  /** Bytes queued for one WebSocket client (its socket buffer included) before the same. */
  maxBufferedBytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
});

const AgentsSchema = z.strictObject({
  /** Model calls one agent run may make; past it the run ends with error_details.code "step_limit". */
  maxSteps: z.number().int().min(1).max(500).default(25),
  /**
   * Milliseconds one agent run (an invoke or a resume) may take; past it the run ends with error_details.code
   * "time_limit".
   */
  maxRunMs: z.number().int().positive().default(600_000),
  /** Tokens (usage.total_tokens) one agent run's model calls may use; once spent the run ends with "token_budget". */
  maxTokensPerRun: z.number().int().positive().default(200_000),
  /**
   * Directories a request's project_directory may lie under. Default: SWITCHBOARD_WORKSPACE_ROOTS (none: file tools
   * off).
   */
  workspaceRoots: z.array(z.string().min(1)).optional(),
  /** Largest file the agent's tools read or write (default 1 MiB). */
  maxFileBytes: z.number().int().positive().optional(),
});

export const KEY_STRATEGIES = ['round_robin', 'least_used', 'most_headroom'] as const;
export type KeyStrategy = (typeof KEY_STRATEGIES)[number];

export const AccountsSchema = z.strictObject({
  /** How a provider's key is picked for each call. */
  keyStrategy: z.enum(KEY_STRATEGIES).default('round_robin'),
  /** How long a key rests after a 429 that gave no Retry-After and no reset time. */
  rateLimitCooldownMs: z.number().int().positive().default(60_000),
  /**
   * Requests in flight per provider and instance, for a provider whose `limits.concurrency` says nothing. Calls past
   * the cap wait for a slot (at most half their first-byte timeout), then go to another candidate.
   */
  defaultConcurrency: z.number().int().positive().default(1_024),
  /**
   * A provider's circuit opens when, within `breakerWindowMs`, at least `breakerMinCalls` calls were made, at least
   * `breakerFailureRate` of them failed the way that counts (5xx, timeouts, unreachable, broken streams: see the
   * failure policy in docs/ROUTING.md), and the failures came from at least `breakerMinRequests` distinct requests.
   */
  breakerWindowMs: z.number().int().positive().default(60_000),
  breakerMinCalls: z.number().int().positive().default(10),
  breakerFailureRate: z.number().min(0).max(1).default(0.5),
  breakerMinRequests: z.number().int().positive().default(3),
  /** How long an open circuit stays open before one trial request is let through. */
  breakerCooldownMs: z.number().int().positive().default(30_000),
});

const UsageSchema = z.strictObject({
  /** How long per-call usage records are kept; default: the request log's `requests.retentionMs`. */
  retentionMs: z.number().int().positive().optional(),
  /** The most usage records kept (oldest dropped first); default: the request log's `requests.maxRows`. */
  maxRecords: z.number().int().positive().optional(),
  /** How long hourly usage rollups are kept (GET /v1/usage reads whole hours from them). */
  hourlyRetentionMs: z
    .number()
    .int()
    .positive()
    .default(90 * 24 * 3_600_000),
  /** How long daily usage rollups are kept. */
  dailyRetentionMs: z
    .number()
    .int()
    .positive()
    .default(1_830 * 24 * 3_600_000),
});

const RequestsSchema = z.strictObject({
  /** How long the request log keeps a request (GET /v1/requests). */
  retentionMs: z
    .number()
    .int()
    .positive()
    .default(30 * 24 * 3_600_000),
  /**
   * The most requests it keeps (oldest dropped first). Default 1,000,000 on SQLite and Redis; 100,000 on the memory
   * store, whose rows (and the usage records that follow them) stay on the process's heap.
   */
  maxRows: z.number().int().positive().optional(),
});

const ResponsesSchema = z.strictObject({
  /** How long a stored response of the Responses API (`store: true`) is kept for GET and previous_response_id. */
  retentionMs: z
    .number()
    .int()
    .positive()
    .default(30 * 24 * 3_600_000),
  /** The most stored responses kept per client key (and for the admin, and for anonymous callers): the newest. */
  maxPerClient: z.number().int().positive().default(10_000),
});

const LoggingSchema = z.strictObject({
  /**
   * Keep the prompt and the answer (truncated) in the request log and its log line. Off by default; a request with
   * `x-switchboard-log-content: off` is never logged with its content.
   */
  content: z.boolean().default(false),
  /** Characters kept of the prompt and of the answer when content logging is on. */
  contentMaxChars: z.number().int().positive().default(2_000),
});

const CacheSchema = z.strictObject({
  /** How long a cached response is served (requests opt in with `x-switchboard-cache: on`). */
  ttlMs: z.number().int().positive().default(3_600_000),
  /** Largest response body cached, in bytes. */
  maxBytes: z.number().int().positive().default(1_048_576),
});

const ServerSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8000),
  /** Loopback by default: listening beyond it with client auth off needs --allow-public (SWITCHBOARD_ALLOW_PUBLIC=1). */
  host: z.string().default('127.0.0.1'),
  /** Largest request body accepted. */
  bodyLimit: z.string().default('10mb'),
  /**
   * On SIGTERM or SIGINT, how long the requests in flight may take to finish before the ones left are ended (a stream
   * with an error event and its proper end). Keep it below the supervisor's stop timeout (systemd's TimeoutStopSec,
   * compose's stop_grace_period).
   */
  shutdownGraceMs: z.number().int().min(0).default(10_000),
});

/**
 * Model discovery (docs/CATALOG.md): each enabled provider's own listing, and the community lists in `sources` (URLs of
 * markdown READMEs, read at start and on demand; what they say that the catalog does not becomes proposals an operator
 * accepts or dismisses: GET /admin/catalog/proposals, `switchboard models proposals`; empty, the default: nothing is
 * fetched).
 */
const DiscoverySchema = z.strictObject({
  /** List each enabled provider's models from the provider itself, on start (in the background) and then every interval. */
  enabled: z.boolean().default(true),
  intervalHours: z.number().positive().default(24),
  /** Also discover the providers whose models are written out (the catalog's), not only those with `discover`. */
  all: z.boolean().default(true),
  /** How long one provider's listing may take. */
  timeoutMs: z.number().int().positive().default(15_000),
  sources: z.array(z.url({ protocol: /^https?$/ })).default([]),
  /**
   * How long a limit learned from a provider holds without a 429 of its key confirming it: then it lapses and the
   * published one applies again (a provider that raised a limit says so in its headers sooner, when it sends them).
   */
  learnedLimitTtlHours: z.number().positive().default(168),
  /**
   * Ask the usual ports of 127.0.0.1 for a local OpenAI-compatible server (LM Studio 1234, vLLM 8000, llama.cpp 8080,
   * Ollama 11434) when the proposals are read; what answers is proposed, never switched on by itself.
   */
  local: z.boolean().default(false),
  localPorts: z.array(z.number().int().min(1).max(65_535)).default([1234, 8000, 8080, 11434]),
  /** How long one local port may take to list its models. */
  localTimeoutMs: z.number().int().positive().default(1_000),
});

export const ConfigSchema = z.strictObject({
  server: ServerSchema.default(ServerSchema.parse({})),
  providers: z.array(ProviderEntrySchema).default([]),
  routing: RoutingSchema.default(RoutingSchema.parse({})),
  /** Model names clients send that no provider serves (Claude Code's claude-*), mapped to models or `auto`. */
  aliases: AliasesSchema.optional(),
  timeouts: TimeoutsSchema.default(TimeoutsSchema.parse({})),
  events: EventsSchema.default(EventsSchema.parse({})),
  agents: AgentsSchema.default(AgentsSchema.parse({})),
  accounts: AccountsSchema.default(AccountsSchema.parse({})),
  usage: UsageSchema.default(UsageSchema.parse({})),
  requests: RequestsSchema.default(RequestsSchema.parse({})),
  responses: ResponsesSchema.default(ResponsesSchema.parse({})),
  logging: LoggingSchema.default(LoggingSchema.parse({})),
  cache: CacheSchema.default(CacheSchema.parse({})),
  discovery: DiscoverySchema.default(DiscoverySchema.parse({})),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;

export const CatalogSchema = z.strictObject({ providers: z.array(ProviderEntrySchema) });
