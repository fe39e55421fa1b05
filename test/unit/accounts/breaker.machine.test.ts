// The circuit breaker statechart tested as data (pure transitions): a failure rate over distinct requests opens it,
// and its cooldown runs on a simulated clock.
import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, SimulatedClock, transition, type SnapshotFrom } from 'xstate';
import { createBreakerMachine, type BreakerEvent, type BreakerOptions } from '../../../src/accounts/breaker.machine.js';

const OPTIONS: BreakerOptions = {
  windowMs: 60_000,
  minCalls: 10,
  failureRate: 0.5,
  minRequests: 3,
  cooldownMs: 30_000,
};
const machine = createBreakerMachine(OPTIONS);
type Snapshot = SnapshotFrom<typeof machine>;

const T = 1_000_000_020;
const start = (): Snapshot => initialTransition(machine)[0];
const run = (snapshot: Snapshot, ...events: BreakerEvent[]): Snapshot =>
  events.reduce((s, event) => transition(machine, s, event)[0], snapshot);
const ok = (count = 1, at = T): BreakerEvent => ({ type: 'success', at, count });
const fail = (request: string, at = T): BreakerEvent => ({ type: 'failure', at, request });
/** `n` failures, of requests r0, r1, ... taken in turn from `requests` distinct ones. */
const failures = (n: number, requests: number, at = T): BreakerEvent[] =>
  Array.from({ length: n }, (_, i) => fail(`r${i % requests}`, at));
const TRIAL: BreakerEvent = { type: 'trial' };
/** A snapshot in half-open, as the cooldown's delayed event leaves it. */
const halfOpen = (): Snapshot =>
  machine.resolveState({ value: { halfOpen: 'ready' }, context: { ...OPTIONS, buckets: [] } });

describe('closed', () => {
  it('opens when at least half of at least 10 calls failed, from at least 3 distinct requests', () => {
    expect(run(start(), ok(5), ...failures(4, 3)).value).toBe('closed'); // 9 calls
    expect(run(start(), ok(5), ...failures(5, 3)).value).toBe('open'); // 10 calls, half failed
  });

  it('stays closed below the rate', () => {
    expect(run(start(), ok(6), ...failures(5, 5)).value).toBe('closed'); // 5 of 11
    expect(run(start(), ok(6), ...failures(6, 5)).value).toBe('open'); // 6 of 12
  });

  it('never opens on one or two requests failing, however often: a request may fail on its own account', () => {
    expect(run(start(), ...failures(50, 1)).value).toBe('closed');
    expect(run(start(), ...failures(50, 2)).value).toBe('closed');
    expect(run(start(), ...failures(50, 2), fail('third')).value).toBe('open');
  });

  it('forgets calls a window old', () => {
    const old = run(start(), ...failures(9, 3, T - 61_000));
    expect(run(old, fail('r9')).value).toBe('closed');
    const recent = run(start(), ...failures(9, 3, T - 30_000));
    expect(run(recent, fail('r9')).value).toBe('open');
  });

  it('counts batched successes toward the calls', () => {
    expect(run(start(), ok(10), ...failures(9, 3)).value).toBe('closed'); // 9 of 19
    expect(run(start(), ok(9), ...failures(9, 3)).value).toBe('open'); // 9 of 18
  });

  it('takes no trial: a closed circuit lets everything through without one', () => {
    expect(start().can(TRIAL)).toBe(false);
  });
});

describe('open', () => {
  it('schedules the half-open move after exactly cooldownMs, with an empty window', () => {
    const [opened, actions] = transition(machine, run(start(), ...failures(9, 3)), fail('r9'));
    expect([opened.value, opened.context.buckets]).toEqual(['open', []]);
    const scheduled = actions.find((a) => a.type === 'xstate.raise') as
      | { params: { delay?: number; event: { type: string } } }
      | undefined;
    expect(scheduled?.params.delay).toBe(30_000);
    expect(scheduled?.params.event.type).toMatch(/^xstate\.after\.cooldown\./);
  });

  it('ignores results of calls that started before it opened, and refuses a trial', () => {
    const opened = run(start(), ...failures(10, 3));
    expect(run(opened, ok()).value).toBe('open');
    expect(run(opened, fail('x')).value).toBe('open');
    expect(opened.can(TRIAL)).toBe(false);
  });
});

describe('half-open', () => {
  it('lets one trial through, then refuses more until it settles', () => {
    const ready = halfOpen();
    expect(ready.can(TRIAL)).toBe(true);
    const probing = run(ready, TRIAL);
    expect(probing.value).toEqual({ halfOpen: 'trial' });
    expect(probing.can(TRIAL)).toBe(false);
  });

  it('closes on the trial success, with an empty window', () => {
    const closed = run(halfOpen(), TRIAL, ok());
    expect([closed.value, closed.context.buckets]).toEqual(['closed', []]);
  });

  it('opens again on the trial failure, for another full cooldown', () => {
    const [reopened, actions] = transition(machine, run(halfOpen(), TRIAL), fail('x'));
    expect(reopened.value).toBe('open');
    expect(
      actions.some((a) => a.type === 'xstate.raise' && (a as { params: { delay?: number } }).params.delay === 30_000),
    ).toBe(true);
  });

  it('lets another trial through when the trial ended saying nothing about the provider', () => {
    const released = run(halfOpen(), TRIAL, { type: 'release' });
    expect([released.value, released.can(TRIAL)]).toEqual([{ halfOpen: 'ready' }, true]);
  });
});

describe('on a simulated clock', () => {
  it('half-opens after exactly the cooldown, not a millisecond before', () => {
    const clock = new SimulatedClock();
    const actor = createActor(machine, { clock }).start();
    for (const event of failures(10, 3)) actor.send(event);
    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('open');
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'ready' });
    actor.send(TRIAL);
    actor.send(fail('x'));
    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('open');
    clock.increment(1);
    actor.send(TRIAL);
    actor.send(ok());
    expect(actor.getSnapshot().value).toBe('closed');
    actor.stop();
  });
});
