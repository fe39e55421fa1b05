// The request graph's decisions, as pure functions over its context: what follows a failure (the failure policy, read
// through src/routing/next-attempt.ts), and what a failed run tells the client.
import { isKeyUnavailable, type KeyUnavailableError } from '../../src/accounts/errors.js';
import {
  clientError,
  failureKindOf,
  isUnavailableAnswer,
  type FailureKind,
} from '../../src/accounts/failure-policy.js';
import { GatewayError } from '../../src/errors.js';
import { earliestServeMs, nextStep, type NextStep, type RunProgress } from '../../src/routing/next-attempt.js';
import type { Attempt, ChatContext, ChatDeps } from './context.js';

/** The kind of the run's latest failure: its last attempt's, or a rejected answer when that attempt answered. */
function lastFailureKind(context: ChatContext): FailureKind {
  return context.attempts.at(-1)?.kind ?? 'judge_rejected';
}

/** Where the run stands, as the next-attempt decision reads it. */
function progressOf(context: ChatContext, deps: ChatDeps): RunProgress {
  return {
    candidates: context.plan?.candidates ?? [],
    index: context.index,
    calls: context.attempts.filter((a) => !a.skipped).length,
    startedAt: context.startedAt,
    now: deps.now(),
    aborted: context.input.signal.aborted,
    skipped: context.leftOut,
  };
}

/** What follows the run's latest failure: another key, the next candidate (its index), or nothing. */
export function nextAfterFailure(context: ChatContext, deps: ChatDeps): NextStep {
  const hasOtherKey = (provider: Parameters<ChatDeps['keys']['unavailable']>[0]) =>
    deps.keys.unavailable(provider) === undefined;
  return nextStep(progressOf(context, deps), lastFailureKind(context), deps.routing, hasOtherKey);
}

/**
 * The soonest any candidate of the run's plan can serve, as the key pool sees it and as the models that answered 503
 * said (`attempts`: the run's, or an ensemble's): the Retry-After of a run that ends on a 429 or 503.
 */
export function retryAfterOf(
  context: ChatContext,
  deps: ChatDeps,
  attempts: readonly Attempt[] = context.attempts,
): number | undefined {
  if (context.plan === undefined) return undefined;
  return earliestServeMs(context.plan, (p) => deps.keys.unavailable(p), attempts);
}

/**
 * The client-facing error for a run whose every attempt failed, as the failure policy says for the last call's
 * failure; when no candidate could be called at all, for the one that can serve soonest. `retryAfterMs` (the soonest
 * any candidate can serve) goes with a 429 or 503.
 */
export function failureFromAttempts(attempts: Attempt[], lastError: unknown, retryAfterMs?: number): GatewayError {
  if (lastError instanceof GatewayError) return lastError;
  const called = attempts.filter((a) => !a.skipped);
  if (called.length === 0) {
    let soonest: KeyUnavailableError | undefined;
    for (const { error } of attempts) {
      if (isKeyUnavailable(error) && (soonest === undefined || error.retryAfterMs < soonest.retryAfterMs))
        soonest = error;
    }
    if (soonest !== undefined) {
      const why = attempts.map((a) => a.error?.message ?? a.ref).join('; ');
      return clientError(soonest.kind, why, retryAfterMs ?? soonest.retryAfterMs);
    }
  }
  const last = called.at(-1);
  const error = last?.error ?? lastError;
  // A last call that answered, and whose answer was not served: the judge rejected it.
  const rejected = last?.verdict !== undefined && error === undefined;
  const kind = overloadedRun(called) ?? last?.kind ?? (rejected ? 'judge_rejected' : failureKindOf(error));
  const tried = `tried: ${called.map((a) => a.ref).join(', ')}`;
  // The gateway's own failure: its message is not the client's to read.
  const said =
    kind === 'internal' ? undefined : error instanceof Error ? error.message : last?.verdict?.reasons.join('; ');
  const detail = said ? `${said} (${tried})` : `(${tried})`;
  return clientError(kind, detail, retryAfterMs);
}

/**
 * `overloaded` when every call was answered "cannot serve now" (503 or 529) and one of them said when: the run is
 * overloaded, in whatever order the answers came, and that time is the client's (a bare 503 last would make it a 502
 * with no hint).
 */
function overloadedRun(called: readonly Attempt[]): FailureKind | undefined {
  const unavailable = called.length > 0 && called.every((a) => isUnavailableAnswer(a.error));
  return unavailable && called.some((a) => a.kind === 'overloaded') ? 'overloaded' : undefined;
}
