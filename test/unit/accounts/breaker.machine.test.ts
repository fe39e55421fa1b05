// The circuit breaker statechart tested as data (pure transitions), and its cooldown on a simulated clock.
import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, SimulatedClock, transition, type SnapshotFrom } from 'xstate';
import { createBreakerMachine, type BreakerEvent } from '../../../src/accounts/breaker.machine.js';

const machine = createBreakerMachine({ failureThreshold: 3, cooldownMs: 30_000 });
type Snapshot = SnapshotFrom<typeof machine>;

const start = (): Snapshot => initialTransition(machine)[0];
const run = (snapshot: Snapshot, ...events: BreakerEvent['type'][]): Snapshot =>
  events.reduce((s, type) => transition(machine, s, { type })[0], snapshot);
/** A snapshot in half-open, as the cooldown's delayed event leaves it. */
const halfOpen = (): Snapshot =>
  machine.resolveState({
    value: { halfOpen: 'ready' },
    context: { failures: 0, failureThreshold: 3, cooldownMs: 30_000 },
  });

describe('closed', () => {
  it('stays closed below the threshold, counting failures in a row', () => {
    const twice = run(start(), 'failure', 'failure');
    expect([twice.value, twice.context.failures]).toEqual(['closed', 2]);
  });

  it('a success resets the count, so failures must be consecutive to open', () => {
    const s = run(start(), 'failure', 'failure', 'success', 'failure', 'failure');
    expect([s.value, s.context.failures]).toEqual(['closed', 2]);
  });

  it('opens at the Nth consecutive failure, with the count back at zero', () => {
    const s = run(start(), 'failure', 'failure', 'failure');
    expect([s.value, s.context.failures]).toEqual(['open', 0]);
  });

  it('takes no trial: a closed circuit lets everything through without one', () => {
    expect(start().can({ type: 'trial' })).toBe(false);
  });

  it('opens at once with a threshold of 1', () => {
    const one = createBreakerMachine({ failureThreshold: 1, cooldownMs: 10 });
    expect(transition(one, initialTransition(one)[0], { type: 'failure' })[0].value).toBe('open');
  });
});

describe('open', () => {
  it('schedules the half-open move after exactly cooldownMs', () => {
    const [opened, actions] = transition(machine, run(start(), 'failure', 'failure'), { type: 'failure' });
    expect(opened.value).toBe('open');
    const scheduled = actions.find((a) => a.type === 'xstate.raise') as
      | { params: { delay?: number; event: { type: string } } }
      | undefined;
    expect(scheduled?.params.delay).toBe(30_000);
    expect(scheduled?.params.event.type).toMatch(/^xstate\.after\.cooldown\./);
  });

  it('ignores results of calls that started before it opened, and refuses a trial', () => {
    const opened = run(start(), 'failure', 'failure', 'failure');
    expect(run(opened, 'success').value).toBe('open');
    expect(run(opened, 'failure').value).toBe('open');
    expect(opened.can({ type: 'trial' })).toBe(false);
  });
});

describe('half-open', () => {
  it('lets one trial through, then refuses more until it settles', () => {
    const ready = halfOpen();
    expect(ready.can({ type: 'trial' })).toBe(true);
    const probing = run(ready, 'trial');
    expect(probing.value).toEqual({ halfOpen: 'trial' });
    expect(probing.can({ type: 'trial' })).toBe(false);
  });

  it('closes on the trial success, with a fresh failure count', () => {
    const closed = run(halfOpen(), 'trial', 'success');
    expect([closed.value, closed.context.failures]).toEqual(['closed', 0]);
  });

  it('opens again on the trial failure, for another full cooldown', () => {
    const [reopened, actions] = transition(machine, run(halfOpen(), 'trial'), { type: 'failure' });
    expect(reopened.value).toBe('open');
    expect(
      actions.some((a) => a.type === 'xstate.raise' && (a as { params: { delay?: number } }).params.delay === 30_000),
    ).toBe(true);
  });
});

describe('on a simulated clock', () => {
  it('half-opens after exactly the cooldown, not a millisecond before', () => {
    const clock = new SimulatedClock();
    const actor = createActor(machine, { clock }).start();
    for (let i = 0; i < 3; i++) actor.send({ type: 'failure' });
    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('open');
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'ready' });
    actor.send({ type: 'trial' });
    actor.send({ type: 'failure' });
    clock.increment(29_999);
    expect(actor.getSnapshot().value).toBe('open');
    clock.increment(1);
    actor.send({ type: 'trial' });
    actor.send({ type: 'success' });
    expect(actor.getSnapshot().value).toBe('closed');
    actor.stop();
  });
});
