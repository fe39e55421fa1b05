// KeyUnavailableError: a provider cannot take a call now (keys resting or spent, circuit open, too many in flight).

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
