// One call's hold on a key: what it reserved, and what its outcome does to the key's health, the provider's circuit,
// the token counters and the usage record.
import { readRateLimits } from '../providers/protocols.js';
import { quotaRestUntil } from '../providers/rate-limits.js';
import type { ProviderKey, ResolvedModel } from '../catalog/types.js';
import { isProviderError } from '../providers/errors.js';
import type { Usage } from '../providers/types.js';
import type { UsageRecord } from '../storage/types.js';
import { FAILURE_POLICY, failureKindOf, type FailureKind } from './failure-policy.js';
import type { CallOutcome, KeyLease, KeyPoolDeps } from './key-pool-types.js';
import { effectiveLimits } from './learned-limits.js';
import { tokenWindows } from './limits.js';

export interface LeaseStart {
  model: ResolvedModel;
  key: ProviderKey | undefined;
  /** The window-store bucket time of the reservation, and the tokens reserved in it. */
  at: number;
  reservedTokens: number;
  runId?: string;
  clientId?: string;
  /** The request's prompt fingerprint, for the circuit (see AcquireRequest). */
  requestKey?: () => string;
}

export function createKeyLease(deps: KeyPoolDeps, start: LeaseStart): KeyLease {
  const { model, key } = start;
  const provider = model.provider;
  const startedAt = deps.now();
  let ttftMs: number | undefined;
  let settled = false;
  return {
    apiKey: key?.secret ?? '',
    key,
    onHeaders(headers) {
      const now = deps.now();
      const signal = readRateLimits(provider.protocol, headers, now);
      if (signal === undefined) return;
      deps.readings.note(key?.id ?? provider.id, signal, now);
      deps.learned.noteSignal(key?.id ?? provider.id, signal, provider.limits, now);
      const rest = quotaRestUntil(signal);
      if (key !== undefined && rest !== undefined)
        deps.health.cool(
          key.id,
          rest.until,
          `quota spent (${rest.scope}) per the provider's headers`,
          now,
          provider.id,
        );
    },
    firstContent() {
      ttftMs ??= deps.now() - startedAt;
    },
    settle(outcome) {
      if (settled) return;
      settled = true;
      const now = deps.now();
      deps.gate.leave(provider.id);
      const failed = outcome.aborted ? 'aborted' : outcome.error === undefined ? undefined : kindOf(outcome.error);
      judgeOutcome(deps, start, outcome, failed, now);
      const used = outcome.usage ?? undefined;
      const realTokens = outcome.error === undefined ? (used?.total_tokens ?? start.reservedTokens) : 0;
      const id = key?.id ?? provider.id;
      const windows = tokenWindows(id, effectiveLimits(provider.limits, deps.learned.get(id)));
      if (windows.length > 0 && realTokens !== start.reservedTokens) {
        void deps.windows
          .adjust(
            // Fields named, not `{ ...w, amount }` (a new hidden class per call on Node 20: docs/BENCHMARKS.md,
            // "Hidden classes made per request").
            windows.map((w) => ({ key: w.key, windowMs: w.windowMs, amount: realTokens - start.reservedTokens })),
            start.at,
          )
          .catch((err: unknown) => deps.logger.warn({ err, provider: provider.id }, 'token counter correction failed'));
      }
      deps.record(usageRecord(start, outcome.error === undefined ? undefined : failed, used, timing(now)));
    },
  };

  /** A stream that failed after its first content broke mid-answer. */
  function kindOf(error: unknown): FailureKind {
    return failureKindOf(error, ttftMs !== undefined);
  }

  function timing(now: number) {
    return { now, latencyMs: now - startedAt, ttftMs };
  }
}

/**
 * What the outcome says about the key and the provider, as the failure policy has it (`failed`: the failure's kind,
 * undefined for a success). A dropped stream (`aborted` with no error) says nothing.
 */
function judgeOutcome(
  deps: KeyPoolDeps,
  { model, key, requestKey, runId }: LeaseStart,
  outcome: CallOutcome,
  failed: FailureKind | undefined,
  now: number,
): void {
  const providerId = model.provider.id;
  if (failed === undefined) {
    deps.breakers.success(providerId);
    return;
  }
  const policy = FAILURE_POLICY[failed];
  if (policy.circuit === 'success') deps.breakers.success(providerId);
  else if (policy.circuit === 'none') deps.breakers.release(providerId);
  else deps.breakers.failure(providerId, requestKey?.() ?? runId ?? `call:${now}:${Math.random()}`);
  const { error } = outcome;
  if (isProviderError(error) && error.quota !== undefined)
    deps.learned.noteQuota(key?.id ?? providerId, error.quota, model.provider.limits, now);
  else if (failed === 'rate_limit') deps.learned.noteRateLimited(key?.id ?? providerId, now);
  // Only the provider's own answers (401/403, 429) rest a key.
  if (key === undefined || policy.restKey === 'none' || !isProviderError(error)) return;
  if (policy.restKey === 'disable') {
    const reason = `the provider refused the key (HTTP ${error.status}): ${error.message.slice(0, 200)}`;
    deps.health.disable(key.id, reason, providerId);
  } else {
    const until = error.quota?.resetAt ?? now + (error.retryAfterMs ?? deps.rateLimitCooldownMs);
    const scope = error.quota?.scope === 'day' ? 'daily quota spent' : 'rate limited';
    deps.health.cool(key.id, until, `${scope} (HTTP ${error.status})`, now, providerId);
  }
}

function usageRecord(
  { model, key, runId, clientId }: LeaseStart,
  failed: FailureKind | undefined,
  usage: Usage | undefined,
  timing: { now: number; latencyMs: number; ttftMs: number | undefined },
): UsageRecord {
  const promptTokens = usage?.prompt_tokens ?? 0;
  const completionTokens = usage?.completion_tokens ?? 0;
  const { input, output } = model.config.costPer1M;
  return {
    ts: timing.now,
    provider: model.provider.id,
    model: model.ref,
    promptTokens,
    completionTokens,
    costUsd: (promptTokens * input + completionTokens * output) / 1_000_000,
    latencyMs: timing.latencyMs,
    status: failed === undefined ? 'ok' : 'error',
    ...(runId === undefined ? {} : { runId }),
    ...(key === undefined ? {} : { keyId: key.id, keyMasked: key.masked }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(timing.ttftMs === undefined ? {} : { ttftMs: timing.ttftMs }),
    ...(failed === undefined ? {} : { error: failed }),
  };
}
