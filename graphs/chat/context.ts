// The request graph's dependencies, input, context (each field documented) and outcome.
import type { KeyPool } from '../../src/accounts/key-pool-types.js';
import type { ClientKeyInfo } from '../../src/accounts/types.js';
import type { Config } from '../../src/config/schema.js';
import type { GatewayError } from '../../src/errors.js';
import type { RunEmitter } from '../../src/events/publisher.js';
import type { FailureKind } from '../../src/accounts/failure-policy.js';
import type { ProviderError } from '../../src/providers/errors.js';
import type { RunSignal } from '../../src/providers/run-signal.js';
import type { ResolvedCatalog } from '../../src/catalog/types.js';
import type { Ensemble, RoutingRule } from '../../src/config/routing-schema.js';
import type { Protocol } from '../../src/providers/protocols.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ProviderAdapter } from '../../src/providers/types.js';
import type { Verdict } from '../../src/routing/judge/types.js';
import type { RouteOptions } from '../../src/routing/plan.js';
import type { CallTimeouts } from '../../src/routing/first-byte.js';
import type { Fused } from '../../src/routing/fuse.js';
import type { ResponseCache } from './response-cache.js';
import type { RunRecords } from './run-record.js';
import type { Candidate, Classification, Plan, StatsRecorder, StatsView } from '../../src/routing/types.js';

/** What the request graph needs from the outside world. */
export interface ChatDeps {
  registry: ResolvedCatalog;
  adapters: Record<Protocol, ProviderAdapter>;
  /** Keys, limits and circuits: which providers can take a call, and a key for each call. */
  keys: KeyPool;
  routing: Config['routing'];
  /**
   * Live per-model stats and pruning, blended into route scores (the catalog's priors alone when absent); judge scores
   * go there.
   */
  stats?: StatsView & StatsRecorder;
  /** Where each finished run's record goes (GET /v1/runs/{run_id}). */
  runs?: RunRecords;
  /** The response cache, for the runs whose input allows it (`ChatInput.cache`); no run uses one when absent. */
  cache?: ResponseCache;
  /** Upstream timeouts; each call's first-byte timeout follows its model's measured latency within their bounds. */
  timeouts: CallTimeouts;
  now: () => number;
}

export interface ChatInput {
  /** The OpenAI request to forward (Switchboard's own fields removed); its `model` is the one the client named. */
  request: ChatRequest;
  /** The client's other routing fields (the model stays in `request`). */
  route: RouteOptions;
  stream: boolean;
  /** Aborted when the client goes away; passed to every upstream call. */
  signal: RunSignal;
  emitter: RunEmitter;
  /** The gateway client key that made the request, when auth is on (usage, allowed models). */
  client?: ClientKeyInfo;
  /**
   * Keep the run's record (GET /v1/runs/{run_id}): runs a client can follow, like their events (its own run id, or
   * events.recordAll). Recording every run would fill memory with records nobody asks for.
   */
  recorded?: boolean;
  /** The client's `ensemble` field: several models answer (select / synthesize / cascade). */
  ensemble?: Ensemble;
  /**
   * The run may use the response cache (the chat routes' runs): `asked` when the client sent `x-switchboard-cache: on`
   * (a rule with `cache: true` turns it on too), and the `scope` its entries are kept under (one per client key).
   */
  cache?: { asked: boolean; scope: string };
}

/** A streamed answer that has started: the chunks up to the first content, and the rest still to read. */
export interface OpenedStream {
  head: ChatCompletionChunk[];
  rest: AsyncIterator<ChatCompletionChunk>;
  /** The upstream stream already ended (so the whole answer is in `head`). */
  done: boolean;
}

/** What one upstream call produced. */
export type CallResult = { kind: 'completion'; completion: ChatCompletion } | { kind: 'stream'; stream: OpenedStream };

export interface Attempt {
  ref: string;
  ms: number;
  /** The call's failure: a ProviderError, a KeyUnavailableError, or whatever else was thrown. */
  error?: ProviderError | Error;
  /** The failure's kind (src/accounts/failure-policy.ts), classified once when it is recorded. */
  kind?: FailureKind;
  verdict?: Verdict;
  /**
   * No call was made: the candidate's provider could not take one (keys resting, circuit open). Not counted as an
   * attempt.
   */
  skipped?: boolean;
}

export interface ChatContext {
  input: ChatInput;
  /** When the run started (deps.now()), for the fallback time budget. */
  startedAt: number;
  classification?: Classification;
  /** The routing rule the request matches, matched once with the classification (the cache and the plan use it). */
  rule?: RoutingRule | undefined;
  plan?: Plan;
  /** Index in plan.candidates of the model being tried. */
  index: number;
  /** Every upstream call so far, in order. */
  attempts: Attempt[];
  /** Providers the run leaves out from now on: a failure of theirs said so (unreachable, unavailable). */
  leftOut: ReadonlySet<string>;
  /** The latest call's result, until it is judged. */
  result?: CallResult;
  /** The best rejected completion so far: returned if every candidate is rejected. */
  bestRejected?: { result: CallResult; candidate: Candidate; score: number };
  /** The ensemble for this request (the client's `ensemble`, else the matching rule's), once routed. */
  ensemble?: Ensemble;
  /** Attempts when the LLM judge last graded (the latest answer is graded once). */
  graded?: number;
  /** What the ensemble produced, once it ran. */
  fused?: { result: CallResult; candidate: Candidate; attempts: Attempt[]; fused: Fused };
  /** Why the run failed, once it has. */
  error?: GatewayError;
  /** The run's response cache key, once it was looked up: the answer is stored under it when the run ends whole. */
  cacheKey?: string;
  /** The cache's stored answer, on a hit. */
  cached?: ChatCompletion;
}

/**
 * How a run ended: an answer to send (whole or streaming), the cache's answer, or an error. `cacheKey` is there when
 * the cache was looked up and missed; `input` is the run's input as its calls used it (a cached stream asks for usage).
 */
export type ChatOutcome =
  | {
      kind: 'answer';
      result: CallResult;
      candidate: Candidate;
      attempts: Attempt[];
      classification: Classification;
      plan: Plan;
      fused?: Fused;
      input: ChatInput;
      cacheKey?: string;
      /** When the run started, and the providers it left out: a mid-stream continuation goes on from there. */
      startedAt: number;
      leftOut: ReadonlySet<string>;
    }
  | { kind: 'cached'; completion: ChatCompletion; attempts: Attempt[]; classification: Classification; rule?: string }
  | { kind: 'error'; error: GatewayError; attempts: Attempt[]; cacheKey?: string; classification?: Classification };
