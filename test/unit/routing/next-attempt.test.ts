// The one retry decision as a pure function: what each failure kind leads to, within the run's attempts and time, and
// the earliest time any candidate can serve.
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../../src/accounts/failure-policy.js';
import type { ResolvedProvider } from '../../../src/catalog/types.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { earliestServeMs, nextStep, type RunProgress } from '../../../src/routing/next-attempt.js';
import type { Candidate, Plan } from '../../../src/routing/types.js';

const NOW = 1_000_000;
const BUDGET = { maxAttempts: 3, totalTimeoutMs: 1_000 };
const providers = new Map<string, ResolvedProvider>();

/** A candidate `provider/model`; its provider (shared by its models) has `keys` keys. */
const candidate = (ref: string, keys = 1): Candidate => {
  const id = ref.split('/')[0]!;
  if (!providers.has(id))
    providers.set(id, { id, keys: Array.from({ length: keys }, (_, i) => ({ id: `${id}${i}` })) } as never);
  return { model: { ref, provider: providers.get(id)! }, score: 1, reasons: [] } as unknown as Candidate;
};

const progress = (extra: Partial<RunProgress> = {}): RunProgress => ({
  candidates: [candidate('p/a'), candidate('q/b'), candidate('r/c')],
  index: 0,
  calls: 1,
  startedAt: NOW - 10,
  now: NOW,
  aborted: false,
  skipped: new Set(),
  ...extra,
});
const yes = () => true;
const step = (kind: FailureKind, extra: Partial<RunProgress> = {}, hasOtherKey = yes) =>
  nextStep(progress(extra), kind, BUDGET, hasOtherKey);

describe('nextStep', () => {
  it('tries the next model after the failures another model may not have', () => {
    const kinds: FailureKind[] = [
      'rate_limit',
      'auth',
      'context_length',
      'server',
      'overloaded',
      'timeout',
      'network',
      'connect',
      'stream_broken',
      'judge_rejected',
      'circuit_open',
      'resting',
      'no_key',
    ];
    for (const kind of kinds) expect([kind, step(kind)]).toEqual([kind, { step: 'next_model', index: 1 }]);
  });

  it("stops after a failure any model would repeat, or the gateway's own", () => {
    for (const kind of ['bad_request', 'content_filter', 'internal', 'aborted'] as const) {
      expect([kind, step(kind)]).toEqual([kind, { step: 'stop' }]);
    }
  });

  it('stops when the client went away, the attempts are spent, or the time is, not a moment before', () => {
    expect(step('server', { aborted: true })).toEqual({ step: 'stop' });
    expect(step('server', { calls: 3 })).toEqual({ step: 'stop' });
    expect(step('server', { calls: 2 })).toEqual({ step: 'next_model', index: 1 });
    expect(step('server', { startedAt: NOW - 1_000 })).toEqual({ step: 'stop' });
    expect(step('server', { startedAt: NOW - 999 })).toEqual({ step: 'next_model', index: 1 });
  });

  it('tries another key of the same model after a 429 or 401, when its provider has another usable one', () => {
    const keyed = { candidates: [candidate('k/a', 2), candidate('q/b')] };
    expect(step('rate_limit', keyed)).toEqual({ step: 'other_key' });
    expect(step('auth', keyed)).toEqual({ step: 'other_key' });
    expect(step('server', keyed)).toEqual({ step: 'next_model', index: 1 });
    expect(step('rate_limit', keyed, () => false)).toEqual({ step: 'next_model', index: 1 });
    expect(step('rate_limit')).toEqual({ step: 'next_model', index: 1 });
  });

  it('passes over the providers the run left out, and stops when no candidate is left', () => {
    const same = { candidates: [candidate('p/a'), candidate('p/b'), candidate('q/b')] };
    expect(step('connect', { ...same, skipped: new Set(['p']) })).toEqual({ step: 'next_model', index: 2 });
    expect(step('server', { ...same, skipped: new Set(['p', 'q']) })).toEqual({ step: 'stop' });
    expect(step('server', { index: 2 })).toEqual({ step: 'stop' });
  });
});

describe('earliestServeMs', () => {
  const plan = (refs: string[], unavailable: string[] = []): Plan => ({
    candidates: refs.map((ref) => candidate(ref)),
    skipped: [],
    mode: 'balanced',
    unavailable: unavailable.map((id) => candidate(`${id}/x`).model.provider),
  });
  const waits: Record<string, number> = { p: 9_000, q: 120_000, r: 7_000, never: Number.POSITIVE_INFINITY };
  const availability = (provider: ResolvedProvider) =>
    waits[provider.id] === undefined
      ? undefined
      : { kind: 'resting' as const, reason: '', retryAfterMs: waits[provider.id]! };

  it("is the soonest wait of the plan's candidates and of the providers it left out", () => {
    expect(earliestServeMs(plan(['p/a', 'q/b']), availability)).toBe(9_000);
    expect(earliestServeMs(plan(['q/b'], ['r']), availability)).toBe(7_000);
  });

  /** A call of this run to `ref` that answered 503, with its Retry-After or none. */
  const unavailable = (ref: string, retryAfterMs?: number) => ({
    ref,
    error: new ProviderError('busy', { kind: 'server', status: 503, ...(retryAfterMs ? { retryAfterMs } : {}) }),
  });

  it('is no sooner than a model that answered 503 said itself, for that model only', () => {
    const said = [unavailable('free/x', 30_000), unavailable('free/y', 12_000)];
    expect(earliestServeMs(plan(['free/x', 'free/y']), availability, said)).toBe(12_000);
    expect(earliestServeMs(plan(['free/x', 'p/a']), availability, said)).toBe(9_000);
    expect(earliestServeMs(plan(['free/x', 'free/z']), availability, said)).toBe(0);
    expect(earliestServeMs(plan(['q/b']), availability, [unavailable('q/b', 5_000)])).toBe(120_000);
  });

  it('counts no time for a model that answered 503 and did not say when, and none for other failures', () => {
    const quiet = [unavailable('free/x'), unavailable('free/y', 30_000)];
    expect(earliestServeMs(plan(['free/x', 'free/y']), availability, quiet)).toBe(30_000);
    expect(earliestServeMs(plan(['free/x']), availability, quiet)).toBeUndefined();
    const broken = [{ ref: 'free/x', error: new ProviderError('boom', { kind: 'server', status: 500 }) }];
    expect(earliestServeMs(plan(['free/x']), availability, broken)).toBe(0);
  });

  it('is 0 when a candidate can serve now, undefined when none ever will', () => {
    expect(earliestServeMs(plan(['q/b', 'free/x']), availability)).toBe(0);
    expect(earliestServeMs(plan(['never/x']), availability)).toBeUndefined();
  });
});
