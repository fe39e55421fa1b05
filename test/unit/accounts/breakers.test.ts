// Per-provider circuit breakers on a simulated clock: allow / canAllow, the one trial, retryAfterMs, change events.
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createBreakers, type Breakers, type BreakerState } from '../../../src/accounts/breakers.js';

let breakers: Breakers | undefined;
afterEach(() => breakers?.stop());

function setup(failureThreshold = 2, cooldownMs = 10_000) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  breakers = createBreakers({ failureThreshold, cooldownMs, clock });
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
    b.failure('groq');
    expect(b.state('groq')).toBe('closed');
    b.failure('groq');
    expect([b.state('groq'), b.allow('groq'), b.canAllow('groq')]).toEqual(['open', false, false]);
    expect([b.state('gemini'), b.allow('gemini')]).toEqual(['closed', true]);
  });

  it('a success between failures keeps the circuit closed', () => {
    const { b } = setup();
    b.failure('groq');
    b.success('groq');
    b.failure('groq');
    expect(b.state('groq')).toBe('closed');
  });

  it('tells the cooldown left while open', () => {
    const { b, clock } = setup();
    b.failure('groq');
    b.failure('groq');
    expect(b.retryAfterMs('groq')).toBe(10_000);
    clock.increment(4_000);
    expect(b.retryAfterMs('groq')).toBe(6_000);
  });

  it('half-opens after the cooldown: canAllow does not take the trial, allow takes it once', () => {
    const { b, clock } = setup();
    b.failure('groq');
    b.failure('groq');
    clock.increment(10_000);
    expect([b.state('groq'), b.retryAfterMs('groq')]).toEqual(['half_open', undefined]);
    expect([b.canAllow('groq'), b.canAllow('groq')]).toEqual([true, true]);
    expect([b.allow('groq'), b.allow('groq'), b.canAllow('groq')]).toEqual([true, false, false]);
  });

  it('the trial success closes the circuit; its failure opens it for a new cooldown', () => {
    const { b, clock } = setup();
    for (const id of ['a', 'b']) {
      b.failure(id);
      b.failure(id);
    }
    clock.increment(10_000);
    b.allow('a');
    b.success('a');
    b.allow('b');
    b.failure('b');
    expect([b.state('a'), b.allow('a')]).toEqual(['closed', true]);
    expect([b.state('b'), b.retryAfterMs('b')]).toEqual(['open', 10_000]);
  });

  it('reports each change of state, until the listener unsubscribes', () => {
    const { b, clock } = setup(1, 500);
    const seen: Array<[string, BreakerState, BreakerState]> = [];
    const off = b.onChange((id, state, previous) => seen.push([id, state, previous]));
    b.failure('groq');
    clock.increment(500);
    b.allow('groq');
    b.success('groq');
    off();
    b.failure('groq');
    expect(seen).toEqual([
      ['groq', 'open', 'closed'],
      ['groq', 'half_open', 'open'],
      ['groq', 'closed', 'half_open'],
    ]);
  });

  it('stop() cancels the cooldown timers', () => {
    const { b, clock } = setup(1, 500);
    const seen: BreakerState[] = [];
    b.onChange((_id, state) => seen.push(state));
    b.failure('groq');
    b.stop();
    clock.increment(500);
    expect(seen).toEqual(['open']);
  });
});
