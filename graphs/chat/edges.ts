// The request graph's decisions, as pure functions: whether to fall back, and what a failed run tells the client.
import { GatewayError } from '../../src/errors.js';
import { isProviderError, type ProviderError } from '../../src/providers/errors.js';
import type { Attempt, ChatContext, ChatDeps } from './context.js';

/**
 * The one retry decision: fall back to the next candidate when the failure is retryable (or the answer was
 * rejected), a candidate is left, attempts and time remain, and the client is still there.
 */
export function nextAfterFailure(context: ChatContext, deps: ChatDeps, error?: unknown): 'fallback' | 'exhausted' {
  if (error !== undefined && !(isProviderError(error) && error.retryable)) return 'exhausted';
  if (context.input.signal.aborted) return 'exhausted';
  if (context.index + 1 >= (context.plan?.candidates.length ?? 0)) return 'exhausted';
  if (context.attempts.length >= deps.routing.maxAttempts) return 'exhausted';
  if (deps.now() - context.startedAt >= deps.routing.totalTimeoutMs) return 'exhausted';
  return 'fallback';
}

/** The client-facing error for a run whose every attempt failed: shaped by the last provider failure. */
export function failureFromAttempts(attempts: Attempt[], lastError: unknown): GatewayError {
  if (lastError instanceof GatewayError) return lastError;
  if (!isProviderError(lastError)) {
    return new GatewayError('The upstream call failed', { status: 502, type: 'server_error', code: 'upstream_error', cause: lastError });
  }
  const tried = attempts.map((a) => a.ref).join(', ');
  return fromProviderError(lastError, tried, earliestRetry(attempts));
}

function fromProviderError(err: ProviderError, tried: string, retryAfterMs: number | undefined): GatewayError {
  const detail = `${err.message} (tried: ${tried})`;
  switch (err.kind) {
    case 'rate_limit':
      return new GatewayError(`All candidate models are rate limited: ${detail}`, {
        status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    case 'context_length':
      return new GatewayError(`The prompt does not fit the model's context window: ${detail}`, {
        status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages',
      });
    case 'content_filter':
      return new GatewayError(`The provider's content filter blocked the request: ${detail}`, {
        status: 400, type: 'invalid_request_error', code: 'content_filter',
      });
    case 'bad_request':
      return new GatewayError(`The provider rejected the request: ${detail}`, { status: 400, type: 'invalid_request_error', code: 'upstream_bad_request' });
    case 'timeout':
      return new GatewayError(`The upstream model timed out: ${detail}`, { status: 504, type: 'server_error', code: 'upstream_timeout' });
    case 'auth':
      return new GatewayError(`The provider rejected the gateway's credentials: ${detail}`, { status: 502, type: 'server_error', code: 'upstream_auth_failed' });
    default:
      return new GatewayError(`The upstream model failed: ${detail}`, { status: 502, type: 'server_error', code: 'upstream_error' });
  }
}

function earliestRetry(attempts: Attempt[]): number | undefined {
  const waits = attempts.flatMap((a) => (isProviderError(a.error) && a.error.retryAfterMs !== undefined ? [a.error.retryAfterMs] : []));
  return waits.length === 0 ? undefined : Math.min(...waits);
}
