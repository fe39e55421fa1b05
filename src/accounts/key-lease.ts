// One call's hold on a key: what it reserved, and what its outcome does to the key's health, the provider's circuit,
// the token counters and the usage record.
import { isProviderError } from '../providers/errors.js';
import { readRateLimits } from '../providers/protocols.js';
import { quotaRestUntil } from '../providers/rate-limits.js';
import type { ProviderKey, ResolvedModel } from '../catalog/types.js';
import type { Usage } from '../providers/types.js';
import type { UsageRecord } from '../storage/types.js';
import type { CallOutcome, KeyLease, KeyPoolDeps } from './key-pool-types.js';
import { tokenWindows } from './limits.js';

export interface LeaseStart {
  model: ResolvedModel;
  key: ProviderKey | undefined;
  /** The window-store bucket time of the reservation, and the tokens reserved in it. */
  at: number;
  reservedTokens: number;
  runId?: string;
  clientId?: string;
}

/** Failures that count against a provider's circuit: it did not answer, or answered with a server error. */
const CIRCUIT_FAILURES = new Set(['server', 'timeout', 'network']);

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
      if (key === undefined) return;
      const now = deps.now();
      const signal = readRateLimits(provider.protocol, headers, now);
      const rest = signal === undefined ? undefined : quotaRestUntil(signal);
      if (rest !== undefined)
        deps.health.cool(key.id, rest.until, `quota spent (${rest.scope}) per the provider's headers`, now);
    },
    firstContent() {
      ttftMs ??= deps.now() - startedAt;
    },
    settle(outcome) {
      if (settled) return;
      settled = true;
      const now = deps.now();
      deps.gate.leave(provider.id);
      judgeOutcome(deps, start, outcome, now);
      const used = outcome.usage ?? undefined;
      const realTokens = outcome.error === undefined ? (used?.total_tokens ?? start.reservedTokens) : 0;
      const windows = tokenWindows(key?.id ?? provider.id, provider.limits);
      if (windows.length > 0 && realTokens !== start.reservedTokens) {
        void deps.windows
          .adjust(
            windows.map((w) => ({ ...w, amount: realTokens - start.reservedTokens })),
            start.at,
          )
          .catch((err: unknown) => deps.logger.warn({ err, provider: provider.id }, 'token counter correction failed'));
      }
      deps.record(usageRecord(start, outcome, used, { now, latencyMs: now - startedAt, ttftMs }));
    },
  };
}

/** What the outcome says about the key and the provider. */
function judgeOutcome(deps: KeyPoolDeps, { model, key }: LeaseStart, outcome: CallOutcome, now: number): void {
  const providerId = model.provider.id;
  if (outcome.aborted) return;
  const { error } = outcome;
  if (error === undefined) {
    deps.breakers.success(providerId);
    return;
  }
  if (!isProviderError(error)) {
    deps.breakers.failure(providerId);
    return;
  }
  if (CIRCUIT_FAILURES.has(error.kind)) deps.breakers.failure(providerId);
  else deps.breakers.success(providerId);
  if (key === undefined) return;
  if (error.kind === 'auth') {
    deps.health.disable(key.id, `the provider refused the key (HTTP ${error.status}): ${error.message.slice(0, 200)}`);
  } else if (error.kind === 'rate_limit') {
    const until = error.quota?.resetAt ?? now + (error.retryAfterMs ?? deps.rateLimitCooldownMs);
    const scope = error.quota?.scope === 'day' ? 'daily quota spent' : 'rate limited';
    deps.health.cool(key.id, until, `${scope} (HTTP ${error.status})`, now);
  }
}

function usageRecord(
  { model, key, runId, clientId }: LeaseStart,
  outcome: CallOutcome,
  usage: Usage | undefined,
  timing: { now: number; latencyMs: number; ttftMs: number | undefined },
): UsageRecord {
  const promptTokens = usage?.prompt_tokens ?? 0;
  const completionTokens = usage?.completion_tokens ?? 0;
  const { input, output } = model.config.costPer1M;
  const failed = outcome.error !== undefined;
  return {
    ts: timing.now,
    provider: model.provider.id,
    model: model.ref,
    promptTokens,
    completionTokens,
    costUsd: (promptTokens * input + completionTokens * output) / 1_000_000,
    latencyMs: timing.latencyMs,
    status: failed ? 'error' : 'ok',
    ...(runId === undefined ? {} : { runId }),
    ...(key === undefined ? {} : { keyId: key.id, keyMasked: key.masked }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(timing.ttftMs === undefined ? {} : { ttftMs: timing.ttftMs }),
    ...(failed
      ? { error: isProviderError(outcome.error) ? outcome.error.kind : outcome.aborted ? 'aborted' : 'error' }
      : {}),
  };
}
