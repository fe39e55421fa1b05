// KeyUnavailableError: a provider cannot take a call now (keys resting or spent, circuit open, too many in flight).
import { GatewayError } from '../errors.js';

/**
 * Thrown before any upstream call when no key of a provider can serve now. It is not a provider failure: the
 * request graph moves on to the next candidate without counting an attempt, and when no candidate can serve, the
 * client gets a 429 with the earliest `retryAfterMs`.
 */
export class KeyUnavailableError extends Error {
  readonly provider: string;
  readonly retryAfterMs: number;

  constructor(provider: string, reason: string, retryAfterMs: number) {
    super(`${provider}: ${reason}`);
    this.name = 'KeyUnavailableError';
    this.provider = provider;
    this.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  }
}

export function isKeyUnavailable(err: unknown): err is KeyUnavailableError {
  return err instanceof KeyUnavailableError;
}

/**
 * What the client gets when no key of any candidate can serve: 429 with the earliest time one will (`retryAfterMs`),
 * or 503 when none ever will (every key disabled: undefined or not finite). `why` lists each candidate's reason.
 */
export function noKeyCanServe(why: string, retryAfterMs: number | undefined): GatewayError {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) {
    return new GatewayError(`No candidate model has a usable key (${why}): add or validate keys`, {
      status: 503,
      type: 'service_unavailable',
      code: 'no_usable_key',
    });
  }
  return new GatewayError(`No key of any candidate model can serve now (${why})`, {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    retryAfterMs,
  });
}
