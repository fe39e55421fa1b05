// The body of GET /admin/status: one snapshot of every provider, key, circuit, free-tier headroom and live figure, as
// the console's Overview page and `switchboard status` read it (docs/ACCOUNTS.md#status-get-adminstatus).
import type { FreeTier, KeyFreeTier } from '../../accounts/free-tier.js';
import type { BreakerState } from '../../accounts/breakers.js';
import type { KeyStatus } from '../../accounts/types.js';
import type { LearnedLimitSet } from '../../accounts/learned-limits.js';
import type { KeySource } from '../../catalog/types.js';
import type { Limits } from '../../config/schema.js';

export type { FreeTier, Headroom, HeadroomPair, KeyFreeTier } from '../../accounts/free-tier.js';

/**
 * Figures over the calls (or requests) that ended in the last `windowMinutes`. Latency counts successes only (a fast
 * 429 says nothing of a model's speed); time to first token, streams only. Null where there is nothing to measure.
 */
export interface LiveMetrics {
  /** Calls (or requests) that ended in the window, failed and aborted ones included. */
  count: number;
  /** Those that failed; a client that went away is not a failure. */
  errors: number;
  perMinute: number;
  /** errors / count. */
  errorRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p50TtftMs: number | null;
}

/** How many keys are in each state: usable (status active), resting (cooling) and disabled. */
export interface KeyCounts {
  total: number;
  usable: number;
  resting: number;
  disabled: number;
}

/** One provider key (never the key itself), with its free-tier headroom. */
export interface KeyStatusEntry {
  id: string;
  masked: string;
  source: KeySource;
  /** As GET /admin/keys says: active (usable), cooling (resting until `until`) or disabled. */
  status: KeyStatus;
  reason: string | null;
  /** Cooling: when it is usable again (ms since the epoch). */
  until: number | null;
  /** Calls made with it by the instance that answered, since it started. */
  uses: number;
  freeTier: KeyFreeTier;
}

/** A provider's circuit breaker on the instance that answered. */
export interface CircuitStatus {
  state: BreakerState;
  /** Open: when it lets a trial call through (ms since the epoch). */
  until: number | null;
}

/** A provider, on or off. An off provider has no circuit, keys, headroom or live figures, but says how to turn it on. */
export interface ProviderStatus {
  id: string;
  name: string;
  enabled: boolean;
  /** Off: why (`no key: set GROQ_API_KEY`). */
  reason: string | null;
  /** Off: the environment variables a key may be set in. */
  keyEnv: string[];
  /** Off: where to get a key, when the catalog knows. */
  signupUrl: string | null;
  circuit: CircuitStatus | null;
  keyCounts: KeyCounts;
  /** Empty for a keyless provider (its headroom is the provider's own). */
  keys: KeyStatusEntry[];
  /** The published limits of each key (catalog, config over it); null when off. Learned lower ones are per key. */
  limits: Limits | null;
  /** A keyless provider's learned limits (a provider with keys has them per key); null when none. */
  learned: LearnedLimitSet | null;
  /** Summed over the keys that are not disabled; null when off. */
  freeTier: FreeTier | null;
  /** Its upstream calls. */
  live: LiveMetrics;
}

/** The whole gateway. */
export interface StatusTotals {
  providers: { enabled: number; disabled: number; circuitOpen: number };
  keyCounts: KeyCounts;
  /** Ids of the enabled providers whose summed headroom is nearly spent. */
  nearlySpent: string[];
  /** Every upstream call, all providers together (fallbacks count once per call). */
  calls: LiveMetrics;
  /** The requests clients made, as they saw them (a fallback that saved the answer is no error here). */
  requests: LiveMetrics;
}

/** GET /admin/status. Times are ms since the epoch. */
export interface StatusSnapshot {
  object: 'gateway.status';
  generatedAt: number;
  /** The window of the live figures, in minutes. */
  windowMinutes: number;
  /** A key or provider is nearly spent below this share of a daily limit. */
  nearlySpentBelow: number;
  totals: StatusTotals;
  /** Enabled providers first, then the others; each group in catalog order. */
  providers: ProviderStatus[];
  /**
   * The process that answered: its figures (circuits, calls per key, concurrency) are its own. `worker` is its number
   * under `serve --workers` (null when it serves alone).
   */
  instance: { pid: number; worker: number | null };
}
