// KeyUnavailableError: a provider cannot take a call now (circuit open, keys resting or spent or disabled, too many
// in flight).

/**
 * Why a provider cannot take a call now: its circuit is open; every key rests (rate limited, quota spent, at its
 * configured limits) or the provider has too many calls in flight; every key is disabled. Each is a failure kind of
 * the failure policy (failure-policy.ts), which says what follows.
 */
export type UnavailableKind = 'circuit_open' | 'resting' | 'no_key';

/**
 * Thrown before any upstream call when a provider cannot take it now. It is not a provider failure: the request graph
 * moves on to the next candidate without counting an attempt, and when no candidate can serve, the client gets the
 * failure policy's answer for `kind` with the earliest `retryAfterMs`.
 */
export class KeyUnavailableError extends Error {
  readonly provider: string;
  readonly kind: UnavailableKind;
  /** When the provider may take a call again; infinite when no key ever will. */
  readonly retryAfterMs: number;

  constructor(provider: string, kind: UnavailableKind, reason: string, retryAfterMs: number) {
    super(`${provider}: ${reason}`);
    this.name = 'KeyUnavailableError';
    this.provider = provider;
    this.kind = kind;
    this.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  }
}

export function isKeyUnavailable(err: unknown): err is KeyUnavailableError {
  return err instanceof KeyUnavailableError;
}
