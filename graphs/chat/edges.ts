// The request graph's decisions, as pure functions: whether to fall back, and what a failed run tells the client.
import { isKeyUnavailable, noKeyCanServe } from '../../src/accounts/errors.js';
import { GatewayError } from '../../src/errors.js';
import { isProviderError, type ProviderError } from '../../src/providers/errors.js';
import type { Attempt, ChatContext, ChatDeps } from './context.js';

/**
 * The one retry decision: fall back to the next candidate when the failure is retryable (or the answer was
 * rejected, or the candidate could not be called at all), a candidate is left, attempts and time remain, and the
 * client is still there. Skipped candidates (no usable key, circuit open) use no attempt.
 */
export function nextAfterFailure(
  context: ChatContext,
  deps: ChatDeps,
  error?: unknown,
): 'retry_key' | 'fallback' | 'exhausted' {
  if (error !== undefined && !isKeyUnavailable(error) && !(isProviderError(error) && error.retryable))
    return 'exhausted';
  if (context.input.signal.aborted) return 'exhausted';
  if (context.attempts.filter((a) => !a.skipped).length >= deps.routing.maxAttempts) return 'exhausted';
  if (deps.now() - context.startedAt >= deps.routing.totalTimeoutMs) return 'exhausted';
  // A key the provider refused (401/403) or limited (429) now rests: the same model with another key comes first.
  if (isProviderError(error) && (error.kind === 'auth' || error.kind === 'rate_limit')) {
    const provider = context.plan!.candidates[context.index]!.model.provider;
    if (provider.keys.length > 1 && deps.keys.unavailable(provider) === undefined) return 'retry_key';
  }
  if (context.index + 1 >= (context.plan?.candidates.length ?? 0)) return 'exhausted';
  return 'fallback';
}

/**
 * The client-facing error for a run whose every attempt failed: shaped by the last provider failure; a 429 with
 * the earliest Retry-After when no candidate could be called at all, or the last failure was a rate limit.
 */
export function failureFromAttempts(attempts: Attempt[], lastError: unknown): GatewayError {
  if (lastError instanceof GatewayError) return lastError;
  const called = attempts.filter((a) => !a.skipped);
  const last = called.at(-1)?.error ?? lastError;
  if (called.length === 0 && isKeyUnavailable(lastError)) {
    const why = attempts.map((a) => (a.error instanceof Error ? a.error.message : a.ref)).join('; ');
    return noKeyCanServe(why, earliestRetry(attempts));
  }
  if (!isProviderError(last)) {
    return new GatewayError('The upstream call failed', {
      status: 502,
      type: 'server_error',
      code: 'upstream_error',
      cause: last,
    });
  }
  const tried = called.map((a) => a.ref).join(', ');
  return fromProviderError(last, tried, earliestRetry(attempts));
}

function fromProviderError(err: ProviderError, tried: string, retryAfterMs: number | undefined): GatewayError {
  const detail = `${err.message} (tried: ${tried})`;
  switch (err.kind) {
    case 'rate_limit':
      return new GatewayError(`All candidate models are rate limited: ${detail}`, {
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    case 'context_length':
      return new GatewayError(`The prompt does not fit the model's context window: ${detail}`, {
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
      });
    case 'content_filter':
      return new GatewayError(`The provider's content filter blocked the request: ${detail}`, {
        status: 400,
        type: 'invalid_request_error',
        code: 'content_filter',
      });
    case 'bad_request':
      return new GatewayError(`The provider rejected the request: ${detail}`, {
        status: 400,
        type: 'invalid_request_error',
        code: 'upstream_bad_request',
      });
    case 'timeout':
      return new GatewayError(`The upstream model timed out: ${detail}`, {
        status: 504,
        type: 'server_error',
        code: 'upstream_timeout',
      });
    case 'auth':
      return new GatewayError(`The provider rejected the gateway's credentials: ${detail}`, {
        status: 502,
        type: 'server_error',
        code: 'upstream_auth_failed',
      });
    default:
      return new GatewayError(`The upstream model failed: ${detail}`, {
        status: 502,
        type: 'server_error',
        code: 'upstream_error',
      });
  }
}

/** The soonest any failed or skipped candidate may serve again. */
function earliestRetry(attempts: Attempt[]): number | undefined {
  const waits = attempts.flatMap((a) =>
    (isProviderError(a.error) || isKeyUnavailable(a.error)) &&
    a.error.retryAfterMs !== undefined &&
    Number.isFinite(a.error.retryAfterMs)
      ? [a.error.retryAfterMs]
      : [],
  );
  return waits.length === 0 ? undefined : Math.min(...waits);
}
