// Per-provider circuit breakers on a simulated clock: allow / canAllow, the one trial, retryAfterMs, change events.
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  createBreakers,
  type Breakers,
  type BreakersOptions,
  type BreakerState,
} from '../../../src/accounts/breakers.js';

let breakers: Breakers | undefined;
afterEach(() => breakers?.stop());

/** Breakers that open once 2 calls in a minute are half failures (of any requests), unless `options` say otherwise. */
function setup(options: Partial<BreakersOptions> = {}) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const defaults = { windowMs: 60_000, minCalls: 2, failureRate: 1, minRequests: 1, cooldownMs: 10_000 };
  breakers = createBreakers({ ...defaults, ...options, clock });
  return { clock, b: breakers };
}

describe('createBreakers', () => {
  it('starts every provider closed, letting requests through', () => {
    const { b } = setup();
    expect([b.state('groq'), b.allow('groq'), b.allow('groq'), b.canAllow('groq'), b.retryAfterMs('groq')]).toEqual([
      'closed',
      true,
      true,
      true,
      undefined,
    ]);
  });

  it('opens one provider at the threshold and leaves the others alone', () => {
    const { b } = setup();
    b.failure('groq', 'r');
    expect(b.state('groq')).toBe('closed');
    b.failure('groq', 'r');
    expect([b.state('groq'), b.allow('groq'), b.canAllow('groq')]).toEqual(['open', false, false]);
    expect([b.state('gemini'), b.allow('gemini')]).toEqual(['closed', true]);
  });

  it('counts successes toward the rate, though they reach the machine once per bucket', () => {
    const { b } = setup({ minCalls: 4, failureRate: 0.5 });
    for (let i = 0; i < 3; i++) b.success('groq');
    b.failure('groq', 'r1');
    b.failure('groq', 'r2');
    expect(b.state('groq')).toBe('closed'); // 2 of 5
    b.failure('groq', 'r3');
    expect(b.state('groq')).toBe('open'); // 3 of 6
  });

  it('forgets successes a window old', () => {
    const { b, clock } = setup({ minCalls: 4, failureRate: 0.5 });
    for (let i = 0; i < 10; i++) b.success('groq');
    clock.increment(61_000);
    b.failure('groq', 'r1');
    b.success('groq');
    b.failure('groq', 'r2');
    b.failure('groq', 'r3');
    expect(b.state('groq')).toBe('open'); // 3 of the last 4
  });

  it('does not open on many failures of one request', () => {
    const { b } = setup({ minRequests: 2 });
    for (let i = 0; i < 20; i++) b.failure('groq', 'same prompt');
    expect(b.state('groq')).toBe('closed');
    b.failure('groq', 'another prompt');
    expect(b.state('groq')).toBe('open');
  });

  it('frees a half-open trial that ended saying nothing about the provider', () => {
    const { b, clock } = setup();
    b.failure('groq', 'r1');
    b.failure('groq', 'r2');
    clock.increment(10_000);
    expect([b.allow('groq'), b.allow('groq')]).toEqual([true, false]);
    b.release('groq');
    expect([b.state('groq'), b.allow('groq')]).toEqual(['half_open', true]);
  });

  it('tells the cooldown left while open', () => {
    const { b, clock } = setup();
    b.failure('groq', 'r');
    b.failure('groq', 'r');
    expect(b.retryAfterMs('groq')).toBe(10_000);
    clock.increment(4_000);
    expect(b.retryAfterMs('groq')).toBe(6_000);
  });

  it('half-opens after the cooldown: canAllow does not take the trial, allow takes it once', () => {
    const { b, clock } = setup();
    b.failure('groq', 'r');
    b.failure('groq', 'r');
    clock.increment(10_000);
    expect([b.state('groq'), b.retryAfterMs('groq')]).toEqual(['half_open', undefined]);
    expect([b.canAllow('groq'), b.canAllow('groq')]).toEqual([true, true]);
    expect([b.allow('groq'), b.allow('groq'), b.canAllow('groq')]).toEqual([true, false, false]);
  });

  it('the trial success closes the circuit; its failure opens it for a new cooldown', () => {
    const { b, clock } = setup();
    for (const id of ['a', 'b']) {
      b.failure(id, 'r');
      b.failure(id, 'r');
    }
    clock.increment(10_000);
    b.allow('a');
    b.success('a');
    b.allow('b');
    b.failure('b', 'r');
    expect([b.state('a'), b.allow('a')]).toEqual(['closed', true]);
    expect([b.state('b'), b.retryAfterMs('b')]).toEqual(['open', 10_000]);
  });

  it('reports each change of state, until the listener unsubscribes', () => {
    const { b, clock } = setup({ minCalls: 1, cooldownMs: 500 });
    const seen: Array<[string, BreakerState, BreakerState]> = [];
    const off = b.onChange((id, state, previous) => seen.push([id, state, previous]));
    b.failure('groq', 'r');
    clock.increment(500);
    b.allow('groq');
    b.success('groq');
    off();
    b.failure('groq', 'r');
    expect(seen).toEqual([
      ['groq', 'open', 'closed'],
      ['groq', 'half_open', 'open'],
      ['groq', 'closed', 'half_open'],
    ]);
  });

  it('stop() cancels the cooldown timers', () => {
    const { b, clock } = setup({ minCalls: 1, cooldownMs: 500 });
    const seen: BreakerState[] = [];
    b.onChange((_id, state) => seen.push(state));
    b.failure('groq', 'r');
    b.stop();
    clock.increment(500);
    expect(seen).toEqual(['open']);
  });
});
