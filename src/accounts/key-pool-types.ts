// The key pool's shapes: what it needs, what a call asks of it and what it answers. Apart from key-pool.ts so that the
// pool's parts (key-order.ts, key-lease.ts) depend on the shapes, not on the pool.
import type { Logger } from 'pino';
import type { KeyStrategy } from '../config/schema.js';
import type { ProviderKey, ResolvedCatalog, ResolvedModel, ResolvedProvider } from '../catalog/types.js';
import type { RunSignal } from '../providers/run-signal.js';
import type { Usage } from '../providers/types.js';
import type { UsageRecord, WindowStore } from '../storage/types.js';
import type { UnavailableKind } from './errors.js';
import type { KeyHealth } from './key-health.js';
import type { ConcurrencyGate } from './concurrency-gate.js';
import type { LearnedLimits } from './learned-limits.js';
import type { QuotaReadings } from './quota-readings.js';
import type { KeyInfo } from './types.js';

/** The circuit breakers as the pool uses them (src/accounts/breakers.ts). */
export interface ProviderBreakers {
  /** May a call go now? In half-open this takes the one trial. */
  allow(provider: string): boolean;
  /** The same answer without taking the trial (route planning). */
  canAllow(provider: string): boolean;
  retryAfterMs(provider: string): number | undefined;
  success(provider: string): void;
  /** A failed call of the request `request` (a fingerprint of its prompt: one request's failures count once). */
  failure(provider: string, request: string): void;
  /** A call that says nothing about the provider ended (aborted, the gateway's own fault): frees a half-open trial. */
  release(provider: string): void;
}

export interface KeyPoolDeps {
  strategy: KeyStrategy;
  windows: WindowStore;
  health: KeyHealth;
  breakers: ProviderBreakers;
  gate: ConcurrencyGate;
  /** Requests in flight per provider when its `limits.concurrency` says nothing. */
  defaultConcurrency: number;
  /** Where each call's usage record goes (the usage store and the metrics). */
  record(record: UsageRecord): void;
  /** Where each answer's rate-limit headers are kept, for the status page's free-tier headroom. */
  readings: QuotaReadings;
  /** Each key's limits as its provider said them, where lower than the catalog's: the ones calls are counted against. */
  learned: LearnedLimits;
  /** How long a key rests after a 429 that gave no Retry-After. */
  rateLimitCooldownMs: number;
  now: () => number;
  logger: Logger;
}

/** What one call asks of the pool. */
export interface AcquireRequest {
  /**
   * Tokens the call may use (prompt + output asked for): reserved against tpm / tpd, counted only for a provider that
   * has those.
   */
  tokens: () => number;
  /**
   * How long the call may wait for a slot when its provider already has its cap of requests in flight (0 or absent:
   * it does not wait). A call that gets none in time, or whose provider's circuit opens meanwhile, is refused with a
   * KeyUnavailableError, so that it goes to another candidate.
   */
  waitMs?: number;
  /** Ends the wait for a slot (the client went away). */
  signal?: RunSignal;
  /**
   * A fingerprint of the request's prompt, computed only when a call fails: the circuit counts how many distinct
   * requests failed, so that one prompt retried many times cannot open it.
   */
  requestKey?: () => string;
  runId?: string;
  clientId?: string;
}

/** Why a provider cannot take a call now, and when it may (infinite: never, until a key is added or validated). */
export interface Unavailable {
  kind: UnavailableKind;
  reason: string;
  retryAfterMs: number;
}

export interface KeyPool {
  /** Synchronous, from what this instance knows: circuit open, or every key disabled or resting. */
  unavailable(provider: ResolvedProvider): Unavailable | undefined;
  /** A key for one call to `model`, with its limits reserved; throws KeyUnavailableError when none can serve. */
  acquire(model: ResolvedModel, request: AcquireRequest): Promise<KeyLease>;
  /**
   * 0..1, for route scoring: over the provider's keys (its one slot when keyless), the mean share left of each usable
   * key's tightest window as the provider last reported it (1 when it said nothing), resting keys counting 0.
   */
  headroom(provider: ResolvedProvider): number;
  /** The provider's calls in flight on this instance, and those waiting for a slot under its concurrency cap. */
  load(provider: string): { inFlight: number; waiting: number };
  /** Every key of every enabled provider, as the admin API shows them. */
  describe(registry: ResolvedCatalog): KeyInfo[];
}

/** How a call ended, as the caller tells its lease. */
export interface CallOutcome {
  /** The call's failure (a ProviderError, or anything an adapter threw). */
  error?: unknown;
  /** The provider's usage, when the call succeeded and reported it. */
  usage?: Usage | null;
  /** The client went away: neither the key nor the provider is to blame. */
  aborted?: boolean;
}

/** A key (or a keyless provider's slot) held for one upstream call; `settle` it exactly once. */
export interface KeyLease {
  /** The key to send; '' for a keyless provider. */
  readonly apiKey: string;
  readonly key: ProviderKey | undefined;
  /** Reads the provider's quota headers from a response: a spent quota rests the key until its reset. */
  onHeaders(headers: Record<string, string | string[] | undefined>): void;
  /** The first content arrived (streams): the time to first token. */
  firstContent(): void;
  settle(outcome: CallOutcome): void;
}
