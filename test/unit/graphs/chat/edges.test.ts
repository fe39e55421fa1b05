// The request graph's retry decision and the client-facing error of a failed run, as pure functions over hand-built
// contexts: every branch, each with a case on either side of it.
import { describe, expect, it } from 'vitest';
import type { Attempt, ChatContext, ChatDeps } from '../../../../graphs/chat/context.js';
import { failureFromAttempts, nextAfterFailure } from '../../../../graphs/chat/edges.js';
import { KeyUnavailableError } from '../../../../src/accounts/errors.js';
import { RoutingSchema } from '../../../../src/config/routing-schema.js';
import { GatewayError } from '../../../../src/errors.js';
import { ProviderError, type ProviderErrorKind } from '../../../../src/providers/errors.js';
import type { Candidate } from '../../../../src/routing/types.js';

const NOW = 1_000_000;

/** A candidate of provider `provider` (with `keys` keys), as the plan holds it. */
const candidate = (ref: string, keys = 1): Candidate => {
  const provider = { id: ref.split('/')[0], keys: Array.from({ length: keys }, (_, i) => `k${i}`) };
  return { model: { ref, provider }, score: 1, reasons: [] } as unknown as Candidate;
};

interface Setup {
  candidates?: Candidate[];
  index?: number;
  attempts?: Attempt[];
  aborted?: boolean;
  startedAt?: number;
  maxAttempts?: number;
  /** What the key pool says of every provider: undefined when it can take a call. */
  unavailable?: { reason: string; retryAfterMs: number };
}

function setup(s: Setup = {}): { context: ChatContext; deps: ChatDeps } {
  const controller = new AbortController();
  if (s.aborted) controller.abort();
  const candidates = s.candidates ?? [candidate('p/a'), candidate('q/b')];
  const context = {
    input: { signal: controller.signal },
    startedAt: s.startedAt ?? NOW - 10,
    index: s.index ?? 0,
    attempts: s.attempts ?? [{ ref: candidates[s.index ?? 0]!.model.ref, ms: 5 }],
    plan: { candidates, skipped: [], mode: 'balanced' },
  } as unknown as ChatContext;
  const deps = {
    routing: RoutingSchema.parse({ maxAttempts: s.maxAttempts ?? 3, totalTimeoutMs: 1_000 }),
    keys: { unavailable: () => s.unavailable },
    now: () => NOW,
  } as unknown as ChatDeps;
  return { context, deps };
}

const providerError = (kind: ProviderErrorKind, extra: { retryAfterMs?: number; retryable?: boolean } = {}) =>
  new ProviderError(`${kind} failure`, { kind, status: 500, ...extra });

describe('nextAfterFailure', () => {
  it('falls back after a retryable failure, a rejected answer (no error) or a candidate not called', () => {
    const { context, deps } = setup();
    expect(nextAfterFailure(context, deps, providerError('server'))).toBe('fallback');
    expect(nextAfterFailure(context, deps)).toBe('fallback');
    expect(nextAfterFailure(context, deps, new KeyUnavailableError('p', 'resting', 100))).toBe('fallback');
  });

  it('stops at a failure that would fail the same way anywhere, or one that is not a provider failure', () => {
    const { context, deps } = setup();
    expect(nextAfterFailure(context, deps, providerError('bad_request'))).toBe('exhausted');
    expect(nextAfterFailure(context, deps, providerError('server', { retryable: false }))).toBe('exhausted');
    expect(nextAfterFailure(context, deps, new Error('adapter bug'))).toBe('exhausted');
  });

  it('stops when the client went away', () => {
    const { context, deps } = setup({ aborted: true });
    expect(nextAfterFailure(context, deps, providerError('server'))).toBe('exhausted');
  });

  it('stops after maxAttempts calls; candidates skipped without a call use none', () => {
    const called: Attempt[] = [
      { ref: 'p/a', ms: 1 },
      { ref: 'p/a', ms: 1 },
    ];
    const three = [candidate('p/a'), candidate('q/b'), candidate('r/c')];
    const used = setup({ candidates: three, attempts: called, maxAttempts: 2 });
    expect(nextAfterFailure(used.context, used.deps)).toBe('exhausted');
    const skipped: Attempt[] = [
      { ref: 'p/a', ms: 1 },
      { ref: 'q/b', ms: 0, skipped: true },
    ];
    const { context, deps } = setup({ candidates: three, attempts: skipped, index: 1, maxAttempts: 2 });
    expect(nextAfterFailure(context, deps)).toBe('fallback');
  });

  it('stops once the run used its time budget (totalTimeoutMs), not a moment before', () => {
    expect(nextAfterFailure(setup({ startedAt: NOW - 1_000 }).context, setup().deps)).toBe('exhausted');
    expect(nextAfterFailure(setup({ startedAt: NOW - 999 }).context, setup().deps)).toBe('fallback');
  });

  it('retries the same model with another key after a 401/403 or 429, when its provider has another usable key', () => {
    const { context, deps } = setup({ candidates: [candidate('p/a', 2), candidate('q/b')] });
    expect(nextAfterFailure(context, deps, providerError('rate_limit'))).toBe('retry_key');
    expect(nextAfterFailure(context, deps, providerError('auth'))).toBe('retry_key');
    // Other failures are the model's, not the key's.
    expect(nextAfterFailure(context, deps, providerError('server'))).toBe('fallback');
  });

  it('falls back instead when the provider has one key, or none of its keys can serve now', () => {
    expect(nextAfterFailure(setup().context, setup().deps, providerError('rate_limit'))).toBe('fallback');
    const down = { reason: 'resting', retryAfterMs: 5 };
    const resting = setup({ candidates: [candidate('p/a', 2), candidate('q/b')], unavailable: down });
    expect(nextAfterFailure(resting.context, resting.deps, providerError('rate_limit'))).toBe('fallback');
  });

  it('is exhausted when no candidate is left after the current one', () => {
    const { context, deps } = setup({ index: 1 });
    expect(nextAfterFailure(context, deps, providerError('server'))).toBe('exhausted');
    // Another key of the same model needs no further candidate.
    const keyed = setup({ candidates: [candidate('p/a', 2)] });
    expect(nextAfterFailure(keyed.context, keyed.deps, providerError('rate_limit'))).toBe('retry_key');
  });
});

describe('failureFromAttempts', () => {
  const failed = (ref: string, error: Error, skipped = false): Attempt => ({
    ref,
    ms: 1,
    error,
    ...(skipped ? { skipped } : {}),
  });

  it('passes a GatewayError through unchanged', () => {
    const error = new GatewayError('no', { status: 418, type: 'invalid_request_error' });
    expect(failureFromAttempts([failed('p/a', providerError('server'))], error)).toBe(error);
  });

  it('is a 429 with the earliest Retry-After when no candidate could be called at all, 503 when none ever will', () => {
    const attempts = [
      failed('p/a', new KeyUnavailableError('p', 'resting', 3_000), true),
      failed('q/b', new KeyUnavailableError('q', 'circuit open', 1_000), true),
    ];
    const error = failureFromAttempts(attempts, attempts[1]!.error);
    expect([error.status, error.code, error.retryAfterMs]).toEqual([429, 'rate_limit_exceeded', 1_000]);
    expect(error.message).toContain('p: resting; q: circuit open');
    const never = [failed('p/a', new KeyUnavailableError('p', 'disabled', Number.POSITIVE_INFINITY), true)];
    expect(failureFromAttempts(never, never[0]!.error)).toMatchObject({ status: 503, code: 'no_usable_key' });
  });

  it('is shaped by the last called attempt, not by a candidate skipped after it', () => {
    const attempts = [
      failed('p/a', providerError('timeout')),
      failed('q/b', new KeyUnavailableError('q', 'resting', 10), true),
    ];
    const error = failureFromAttempts(attempts, attempts[1]!.error);
    expect([error.status, error.code]).toEqual([504, 'upstream_timeout']);
    expect(error.message).toContain('(tried: p/a)');
  });

  it('is a 502 when the last failure was not a provider failure', () => {
    const error = failureFromAttempts([failed('p/a', new Error('adapter bug'))], new Error('adapter bug'));
    expect([error.status, error.type, error.code]).toEqual([502, 'server_error', 'upstream_error']);
  });

  it('maps each provider failure kind to its status and code, naming every model tried', () => {
    const cases: Array<[ProviderErrorKind, number, string]> = [
      ['rate_limit', 429, 'rate_limit_exceeded'],
      ['context_length', 400, 'context_length_exceeded'],
      ['content_filter', 400, 'content_filter'],
      ['bad_request', 400, 'upstream_bad_request'],
      ['timeout', 504, 'upstream_timeout'],
      ['auth', 502, 'upstream_auth_failed'],
      ['server', 502, 'upstream_error'],
      ['network', 502, 'upstream_error'],
    ];
    for (const [kind, status, code] of cases) {
      const attempts = [failed('p/a', providerError('server')), failed('q/b', providerError(kind))];
      const error = failureFromAttempts(attempts, attempts[1]!.error);
      expect([kind, error.status, error.code]).toEqual([kind, status, code]);
      expect(error.message).toContain(`${kind} failure (tried: p/a, q/b)`);
    }
    const context = failureFromAttempts([failed('p/a', providerError('context_length'))], undefined);
    expect(context.param).toBe('messages');
  });

  it('gives a rate limit the earliest finite Retry-After of any attempt, and none when no attempt had one', () => {
    const attempts = [
      failed('p/a', providerError('rate_limit', { retryAfterMs: 9_000 })),
      failed('q/b', new KeyUnavailableError('q', 'resting', 4_000), true),
      failed('r/c', providerError('rate_limit', { retryAfterMs: Number.POSITIVE_INFINITY })),
      failed('s/d', providerError('rate_limit')),
    ];
    expect(failureFromAttempts(attempts, attempts[3]!.error).retryAfterMs).toBe(4_000);
    const bare = [failed('p/a', providerError('rate_limit'))];
    expect(failureFromAttempts(bare, bare[0]!.error).retryAfterMs).toBeUndefined();
    const endless = [failed('p/a', providerError('rate_limit', { retryAfterMs: Number.POSITIVE_INFINITY }))];
    expect(failureFromAttempts(endless, endless[0]!.error).retryAfterMs).toBeUndefined();
  });
});
