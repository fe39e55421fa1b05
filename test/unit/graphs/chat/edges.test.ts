// The request graph's reading of its context for the retry decision (src/routing/next-attempt.ts decides), and the
// client-facing error of a failed run, as pure functions over hand-built contexts.
import { describe, expect, it } from 'vitest';
import type { Attempt, ChatContext, ChatDeps } from '../../../../graphs/chat/context.js';
import { failureFromAttempts, nextAfterFailure, retryAfterOf } from '../../../../graphs/chat/edges.js';
import { KeyUnavailableError } from '../../../../src/accounts/errors.js';
import { failureKindOf, type FailureKind } from '../../../../src/accounts/failure-policy.js';
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
  /** Providers the run left out. */
  leftOut?: string[];
  /** What the key pool says of every provider: undefined when it can take a call. */
  unavailable?: { kind: 'resting'; reason: string; retryAfterMs: number };
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
    leftOut: new Set(s.leftOut),
  } as unknown as ChatContext;
  const deps = {
    routing: RoutingSchema.parse({ maxAttempts: s.maxAttempts ?? 3, totalTimeoutMs: 1_000 }),
    keys: { unavailable: () => s.unavailable },
    now: () => NOW,
  } as unknown as ChatDeps;
  return { context, deps };
}

const providerError = (kind: ProviderErrorKind, extra: { retryAfterMs?: number } = {}) =>
  new ProviderError(`${kind} failure`, { kind, status: 500, ...extra });

describe('nextAfterFailure', () => {
  const failed = (ref: string, kind: FailureKind, skipped = false): Attempt => ({
    ref,
    ms: 1,
    kind,
    ...(skipped ? { skipped } : {}),
  });

  it("reads the last attempt's kind: falls back after a server error, stops after a bad request", () => {
    const server = setup({ attempts: [failed('p/a', 'server')] });
    expect(nextAfterFailure(server.context, server.deps)).toEqual({ step: 'next_model', index: 1 });
    const bad = setup({ attempts: [failed('p/a', 'bad_request')] });
    expect(nextAfterFailure(bad.context, bad.deps)).toEqual({ step: 'stop' });
  });

  it('takes an answered attempt (no error) as a rejected answer: the next model is tried', () => {
    const { context, deps } = setup({ attempts: [{ ref: 'p/a', ms: 1, verdict: { score: 0.1, reasons: [] } }] });
    expect(nextAfterFailure(context, deps)).toEqual({ step: 'next_model', index: 1 });
  });

  it('counts only the calls made against maxAttempts: candidates skipped without a call use none', () => {
    const three = [candidate('p/a'), candidate('q/b'), candidate('r/c')];
    const called = setup({
      candidates: three,
      index: 1,
      maxAttempts: 2,
      attempts: [failed('p/a', 'server'), failed('q/b', 'server')],
    });
    expect(nextAfterFailure(called.context, called.deps)).toEqual({ step: 'stop' });
    const skipped = setup({
      candidates: three,
      index: 1,
      maxAttempts: 2,
      attempts: [failed('p/a', 'server'), failed('q/b', 'resting', true)],
    });
    expect(nextAfterFailure(skipped.context, skipped.deps)).toEqual({ step: 'next_model', index: 2 });
  });

  it('passes over the providers the run left out', () => {
    const candidates = [candidate('p/a'), candidate('p/b'), candidate('q/c')];
    const { context, deps } = setup({ candidates, attempts: [failed('p/a', 'connect')], leftOut: ['p'] });
    expect(nextAfterFailure(context, deps)).toEqual({ step: 'next_model', index: 2 });
  });

  it('retries another key only when the key pool says the provider can take a call', () => {
    const candidates = [candidate('p/a', 2), candidate('q/b')];
    const free = setup({ candidates, attempts: [failed('p/a', 'rate_limit')] });
    expect(nextAfterFailure(free.context, free.deps)).toEqual({ step: 'other_key' });
    const down = { kind: 'resting' as const, reason: 'resting', retryAfterMs: 5 };
    const resting = setup({ candidates, attempts: [failed('p/a', 'rate_limit')], unavailable: down });
    expect(nextAfterFailure(resting.context, resting.deps)).toEqual({ step: 'next_model', index: 1 });
  });

  it('stops when the client went away or the time is spent', () => {
    const gone = setup({ aborted: true, attempts: [failed('p/a', 'server')] });
    expect(nextAfterFailure(gone.context, gone.deps)).toEqual({ step: 'stop' });
    const late = setup({ startedAt: NOW - 1_000, attempts: [failed('p/a', 'server')] });
    expect(nextAfterFailure(late.context, late.deps)).toEqual({ step: 'stop' });
  });
});

describe('failureFromAttempts', () => {
  const failed = (ref: string, error: Error, skipped = false): Attempt => ({
    ref,
    ms: 1,
    error,
    kind: failureKindOf(error),
    ...(skipped ? { skipped } : {}),
  });

  it('passes a GatewayError through unchanged', () => {
    const error = new GatewayError('no', { status: 418, type: 'invalid_request_error' });
    expect(failureFromAttempts([failed('p/a', providerError('server'))], error)).toBe(error);
  });

  it('when no candidate could be called at all, answers for the one that can serve soonest', () => {
    const attempts = [
      failed('p/a', new KeyUnavailableError('p', 'resting', 'resting', 3_000), true),
      failed('q/b', new KeyUnavailableError('q', 'circuit_open', 'circuit open', 1_000), true),
    ];
    const open = failureFromAttempts(attempts, attempts[1]!.error);
    expect([open.status, open.code, open.retryAfterMs]).toEqual([503, 'provider_unavailable', 1_000]);
    expect(open.message).toContain('p: resting; q: circuit open');
    const resting = failureFromAttempts(attempts.slice(0, 1), attempts[0]!.error, 2_500);
    expect([resting.status, resting.code, resting.retryAfterMs]).toEqual([429, 'rate_limit_exceeded', 2_500]);
    const never = [failed('p/a', new KeyUnavailableError('p', 'no_key', 'disabled', Number.POSITIVE_INFINITY), true)];
    const none = failureFromAttempts(never, never[0]!.error);
    expect([none.status, none.code, none.retryAfterMs]).toEqual([503, 'no_usable_key', undefined]);
  });

  it('is a 502 with the verdict when the last call answered and its answer was not served', () => {
    const attempts: Attempt[] = [
      failed('p/a', providerError('server')),
      { ref: 'q/b', ms: 1, verdict: { score: 0, reasons: ['empty answer'] } },
    ];
    const error = failureFromAttempts(attempts, undefined);
    expect([error.status, error.type, error.code]).toEqual([502, 'server_error', 'upstream_error']);
    expect(error.message).toBe('Every answer was rejected: empty answer (tried: p/a, q/b)');
  });

  it('is shaped by the last called attempt, not by a candidate skipped after it', () => {
    const attempts = [
      failed('p/a', providerError('timeout')),
      failed('q/b', new KeyUnavailableError('q', 'resting', 'resting', 10), true),
    ];
    const error = failureFromAttempts(attempts, attempts[1]!.error);
    expect([error.status, error.code]).toEqual([504, 'upstream_timeout']);
    expect(error.message).toContain('(tried: p/a)');
  });

  it("is a 500 without the error's own words when the gateway itself failed", () => {
    const bug = new RangeError('Maximum call stack size exceeded at secretFunction');
    const error = failureFromAttempts([failed('p/a', bug)], bug);
    expect([error.status, error.type, error.code]).toEqual([500, 'server_error', 'internal_error']);
    expect(error.message).not.toContain('secretFunction');
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

  it('is a 503 upstream_overloaded when every call was a 503 and one said when, whatever came last', () => {
    const unavailable = (retryAfterMs?: number) =>
      new ProviderError('unavailable', { kind: 'server', status: 503, ...(retryAfterMs ? { retryAfterMs } : {}) });
    for (const attempts of [
      [failed('p/a', unavailable(30_000)), failed('q/b', unavailable())],
      [failed('p/a', unavailable()), failed('q/b', unavailable(30_000))],
    ]) {
      const error = failureFromAttempts(attempts, attempts[1]!.error, 30_000);
      expect([error.status, error.code, error.retryAfterMs]).toEqual([503, 'upstream_overloaded', 30_000]);
    }
    for (const attempts of [
      [failed('p/a', unavailable(30_000)), failed('q/b', providerError('server'))],
      [failed('p/a', unavailable()), failed('q/b', unavailable())],
    ]) {
      const error = failureFromAttempts(attempts, attempts[1]!.error, 30_000);
      expect([error.status, error.code, error.retryAfterMs]).toEqual([502, 'upstream_error', undefined]);
    }
  });

  it('gives a 429 the Retry-After it is given (the earliest any candidate can serve), and a 502 none', () => {
    const limited = [failed('p/a', providerError('rate_limit', { retryAfterMs: 120_000 }))];
    expect(failureFromAttempts(limited, limited[0]!.error, 7_000).retryAfterMs).toBe(7_000);
    const broken = [failed('p/a', providerError('server'))];
    expect(failureFromAttempts(broken, broken[0]!.error, 7_000).retryAfterMs).toBeUndefined();
  });
});

describe('retryAfterOf', () => {
  const overloaded = (ref: string, retryAfterMs?: number): Attempt => {
    const error = new ProviderError('overloaded', {
      kind: 'server',
      status: 503,
      ...(retryAfterMs ? { retryAfterMs } : {}),
    });
    return { ref, ms: 1, error, kind: failureKindOf(error) };
  };

  it("is the soonest an overloaded model said it can serve, when every candidate's 503 said when", () => {
    const both = setup({ attempts: [overloaded('p/a', 30_000), overloaded('q/b', 12_000)] });
    expect(retryAfterOf(both.context, both.deps)).toBe(12_000);
  });

  it('is 0 when a candidate was not called (it may serve now), and what the key pool says when it is longer', () => {
    const one = setup({ attempts: [overloaded('p/a', 30_000)] });
    expect(retryAfterOf(one.context, one.deps)).toBe(0);
    const resting = { kind: 'resting' as const, reason: '', retryAfterMs: 60_000 };
    const pool = setup({ attempts: [overloaded('p/a', 30_000)], unavailable: resting });
    expect(retryAfterOf(pool.context, pool.deps)).toBe(60_000);
  });

  it('counts no time for a 503 that did not say when: it is no sign the model can serve now', () => {
    const one = setup({ attempts: [overloaded('p/a'), overloaded('q/b', 30_000)] });
    expect(retryAfterOf(one.context, one.deps)).toBe(30_000);
    const none = setup({ attempts: [overloaded('p/a'), overloaded('q/b')] });
    expect(retryAfterOf(none.context, none.deps)).toBeUndefined();
  });

  it("reads the attempts it is given (an ensemble's) over the run's own", () => {
    const { context, deps } = setup({ attempts: [] });
    expect(retryAfterOf(context, deps, [overloaded('p/a', 8_000), overloaded('q/b', 9_000)])).toBe(8_000);
  });
});
