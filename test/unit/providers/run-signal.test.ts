// A run's signal (RunAbort) behaves as an AbortController's signal does for everything the gateway reads of it: the
// same scripts of adds, removes and aborts run on both give the same calls, in the same order, with the same reasons;
// and a real AbortSignal made from one aborts with it.
import { describe, expect, it } from 'vitest';
import { RunAbort, type RunSignal, toAbortSignal } from '../../../src/providers/run-signal.js';

/** One step of a script: a listener added or removed, an abort, or a listener that removes another when it runs. */
type Step =
  | { op: 'add'; listener: number }
  | { op: 'remove'; listener: number }
  | { op: 'abort'; reason: unknown }
  | { op: 'removeOnRun'; listener: number; other: number };

interface Abortable {
  signal: RunSignal;
  abort(reason?: unknown): void;
}

/** What a script observed: each listener's call with `aborted` and `reason` as it saw them, and the end state. */
function play(make: () => Abortable, script: Step[]): unknown[] {
  const { signal, abort } = make();
  const seen: unknown[] = [];
  const listeners: Array<() => void> = [];
  const removals = new Map<number, number>();
  const listener = (i: number) =>
    (listeners[i] ??= () => {
      seen.push({ called: i, aborted: signal.aborted, reason: shown(signal.reason) });
      const other = removals.get(i);
      if (other !== undefined) signal.removeEventListener('abort', listener(other));
    });
  for (const step of script) {
    if (step.op === 'add') signal.addEventListener('abort', listener(step.listener), { once: true });
    else if (step.op === 'remove') signal.removeEventListener('abort', listener(step.listener));
    else if (step.op === 'abort') abort(step.reason);
    else {
      removals.set(step.listener, step.other);
      signal.addEventListener('abort', listener(step.listener), { once: true });
    }
  }
  seen.push({ aborted: signal.aborted, reason: shown(signal.reason) });
  return seen;
}

/** A reason as the test compares it: an error by its class, name and message (two AbortErrors are never ===). */
function shown(reason: unknown): unknown {
  if (reason instanceof Error || reason instanceof DOMException)
    return { class: reason.constructor.name, name: reason.name, message: reason.message };
  return reason;
}

const controller = (): Abortable => {
  const made = new AbortController();
  return { signal: made.signal, abort: (reason) => made.abort(reason) };
};
const runAbort = (): Abortable => {
  const made = new RunAbort();
  return { signal: made, abort: (reason) => made.abort(reason) };
};

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const REASONS = [undefined, 'stopped', new Error('gone'), 0, null];

function script(next: () => number): Step[] {
  const steps: Step[] = [];
  const length = 1 + Math.floor(next() * 12);
  const pick = (n: number) => Math.floor(next() * n);
  for (let i = 0; i < length; i++) {
    const roll = next();
    if (roll < 0.45) steps.push({ op: 'add', listener: pick(5) });
    else if (roll < 0.65) steps.push({ op: 'remove', listener: pick(5) });
    else if (roll < 0.8) steps.push({ op: 'removeOnRun', listener: pick(5), other: pick(5) });
    else steps.push({ op: 'abort', reason: REASONS[pick(REASONS.length)] });
  }
  return steps;
}

describe('RunAbort', () => {
  it('calls, skips and reports as an AbortController does, on 2,000 random scripts', () => {
    const next = random(20);
    for (let i = 0; i < 2_000; i++) {
      const steps = script(next);
      expect(play(runAbort, steps), JSON.stringify(steps)).toEqual(play(controller, steps));
    }
  });

  it('aborts with an AbortError DOMException when no reason is given, once', () => {
    const run = new RunAbort();
    run.abort();
    const first = run.reason;
    run.abort(new Error('later'));
    expect(first).toBeInstanceOf(DOMException);
    expect([run.aborted, (first as DOMException).name, run.reason]).toEqual([true, 'AbortError', first]);
  });

  it('runs the listeners after one that throws', async () => {
    const run = new RunAbort();
    const order: string[] = [];
    // The throw is reported on the next tick, as an EventTarget reports it: caught here so that the test can look.
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    run.addEventListener('abort', () => {
      order.push('first');
      throw new Error('listener failed');
    });
    run.addEventListener('abort', () => void order.push('second'));
    try {
      run.abort();
      expect(order).toEqual(['first', 'second']);
      expect(await reported).toMatchObject({ message: 'listener failed' });
    } finally {
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
  });
});

describe('toAbortSignal', () => {
  it('is the signal itself when it is an AbortSignal', () => {
    const made = new AbortController();
    expect(toAbortSignal(made.signal)).toBe(made.signal);
  });

  it('makes one AbortSignal per RunAbort, which aborts with it and its reason', () => {
    const run = new RunAbort();
    const real = toAbortSignal(run);
    expect([real, real.aborted]).toEqual([toAbortSignal(run), false]);
    const reason = new Error('client gone');
    run.abort(reason);
    expect([real.aborted, real.reason]).toEqual([true, reason]);
  });

  it('makes an aborted one for a RunAbort already aborted', () => {
    const run = new RunAbort();
    run.abort('stopped');
    const real = toAbortSignal(run);
    expect([real.aborted, real.reason]).toEqual([true, 'stopped']);
  });
});
