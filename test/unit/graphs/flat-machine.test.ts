// What the flat runner supports, against xstate's own actor on small machines that use each of it (exit actions,
// object assigns, inline guards and actions, events sent during a step, events no state handles, errors), and what
// makes it fall back to xstate (nesting, parallel states, delays, invoked actors, other built-in actions…).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AnyStateMachine, assign, fromPromise, type InspectionEvent, not, raise, setup } from 'xstate';
import { createChatMachine } from '../../../graphs/chat/machine.js';
import { compileFlatMachine, runnerFor, xstateRunner } from '../../../graphs/chat/flat-machine.js';
import { chatDeps } from './chat-fixture.js';

type Ctx = { n: number; tag?: string };
type Ev = { type: 'tick' } | { type: 'go' } | { type: 'bogus' } | { type: 'boom' };

/** A flat machine using everything the runner supports; `fault` makes one place throw. */
function machineFor(log: unknown[], fault?: 'initial' | 'deferred' | 'event' | 'guard') {
  return setup({
    types: {} as { context: Ctx; input: { start: number }; events: Ev },
    actions: {
      note: ({ context, event }) => void log.push(['note', context.n, event.type]),
      bump: assign(({ context }) => {
        if (fault === 'initial') throw new Error('initial assign failed');
        return { n: context.n + 1 };
      }),
      byTen: assign({ n: ({ context }) => context.n * 10, tag: 'ten' }),
      // Sent during a step: handled once the step ends (xstate's mailbox).
      tickNow: ({ self }) => {
        if (fault === 'deferred') throw new Error('deferred action failed');
        self.send({ type: 'tick' });
        log.push('sent tick');
      },
      // Sent later: an event no state handles, then one b does, then one after the end (dropped).
      sendLater: ({ self }) =>
        void setImmediate(() => {
          self.send({ type: 'bogus' });
          self.send({ type: fault === 'event' ? 'boom' : 'go' });
          self.send({ type: 'go' });
        }),
      explode: () => {
        throw new Error('event action failed');
      },
    },
    guards: {
      small: ({ context }) => context.n < 3,
      picky: ({ event }) => {
        if (fault === 'guard') throw new Error('guard failed');
        return event.type === 'go';
      },
    },
  }).createMachine({
    context: ({ input }) => ({ n: input.start }),
    initial: 'a',
    output: ({ context, event }) => ({ n: context.n, tag: context.tag, event: event.type }),
    states: {
      a: {
        entry: ['note', 'bump', 'tickNow'],
        exit: 'note',
        on: { tick: [{ guard: 'small', target: 'b', actions: 'bump' }, { target: 'c' }] },
      },
      b: {
        entry: ['note', 'sendLater'],
        exit: ['byTen', 'note'],
        always: [{ guard: ({ context }) => context.n > 1000, target: 'c' }],
        on: {
          go: { guard: 'picky', target: 'c', actions: ['note', assign({ n: ({ context }) => context.n + 1 })] },
          boom: { target: 'c', actions: 'explode' },
        },
      },
      c: { entry: 'note', always: [{ guard: ({ context }) => context.n < 30, target: 'a' }, { target: 'end' }] },
      end: { type: 'final', entry: 'note', exit: 'note' },
    },
  });
}

/** Everything a run did, in order: actions, microsteps (with who sent them), the outcome, errors reported unhandled. */
async function trace(interpreter: 'xstate' | 'flat', fault?: Parameters<typeof machineFor>[1]) {
  const log: unknown[] = [];
  const machine = machineFor(log, fault);
  const run =
    interpreter === 'xstate' ? xstateRunner<{ start: number }, unknown>(machine) : compileFlatMachine(machine)!;
  let actor: unknown;
  const inspect = (event: InspectionEvent) => {
    if (event.type === '@xstate.actor' && actor === undefined) actor = event.actorRef;
    if (event.type !== '@xstate.microstep') return;
    const { value, context, status } = event.snapshot as unknown as { value: string; context: Ctx; status: string };
    const targets = event._transitions.map((t) => t.target?.map((s) => s.key));
    log.push(['step', value, status, context, event.event.type, targets, event.actorRef === actor]);
  };
  // xstate's development build (the one tests load) warns of the event sent after the end.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const unhandled: string[] = [];
  const timer = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void) => {
    try {
      fn();
    } catch (error) {
      unhandled.push((error as Error).message);
    }
  }) as typeof setTimeout);
  const done = run({ start: 0 }, inspect);
  timer.mockRestore();
  const outcome = await done.then(
    (output) => ['output', output],
    (error: Error) => ['error', error.message],
  );
  // The late events, and whatever they do.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return { log, outcome, unhandled };
}

afterEach(() => vi.restoreAllMocks());

describe('the flat runner on a machine using all it supports', () => {
  it('does what xstate does: actions, context, microsteps, mailbox, output', async () => {
    const flat = await trace('flat');
    expect(flat).toEqual(await trace('xstate'));
    // What the machine went through, so the comparison covers it.
    const steps = flat.log.filter((e) => Array.isArray(e) && e[0] === 'step') as unknown[][];
    expect(steps.map((s) => [s[1], s[4]])).toContainEqual(['b', 'bogus']);
    expect(steps.every((s) => s[6] === true)).toBe(true);
    // a entered at the start, then from c while n < 30 (22…30).
    expect(flat.log.filter((e) => e === 'sent tick')).toHaveLength(10);
    expect(flat.outcome).toEqual(['output', { n: 30, tag: 'ten', event: 'xstate.done.state.(machine).end' }]);
  });

  for (const fault of ['initial', 'deferred', 'event', 'guard'] as const) {
    it(`fails as xstate does when ${fault === 'guard' ? 'a guard' : `an ${fault} action`} throws`, async () => {
      const flat = await trace('flat', fault);
      expect(flat).toEqual(await trace('xstate', fault));
      expect(flat.outcome[0]).toBe('error');
      // The run rejects and nothing is thrown from a timer (which would take the gateway down), even at the start.
      expect(flat.unhandled).toEqual([]);
    });
  }
});

describe('what the flat runner leaves to xstate', () => {
  const base = setup({ actions: { note: () => {} }, guards: { yes: () => true } });
  const flatOf = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    compileFlatMachine(base.createMachine({ initial: 'a', ...extra, states } as never) as unknown as AnyStateMachine);

  it('compiles the request machine, and a flat one', () => {
    const routing = { llmJudge: { model: 'p/a' }, llmClassifier: { model: 'p/b' } };
    expect(compileFlatMachine(createChatMachine(chatDeps({}, [], { routing })))).toBeDefined();
    expect(flatOf({ a: { on: { go: 'b' } }, b: { type: 'final' } })).toBeDefined();
  });

  it('does not compile what it does not support', () => {
    const end = { type: 'final' };
    const unsupported: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['nested states', { a: { initial: 'x', states: { x: {} } }, end }],
      ['parallel states', { a: { type: 'parallel', states: { x: {}, y: {} } }, end }],
      ['history states', { a: {}, h: { type: 'history' }, end }],
      ['delays', { a: { after: { 10: 'end' } }, end }],
      ['invoked actors', { a: { invoke: { src: fromPromise(async () => 1), onDone: 'end' } }, end }],
      ['other built-in actions', { a: { entry: raise({ type: 'go' }), on: { go: 'end' } }, end }],
      ['parameterised actions', { a: { entry: { type: 'note', params: { x: 1 } } }, end }],
      ['unknown actions', { a: { entry: 'missing' }, end }],
      ['built-in guards', { a: { on: { go: { guard: not('yes'), target: 'end' } } }, end }],
      ['unknown guards', { a: { always: { guard: 'missing', target: 'end' } }, end }],
      ['wildcard events', { a: { on: { '*': 'end' } }, end }],
      ['partial wildcards', { a: { on: { 'go.*': 'end' } }, end }],
      ['transitions to their own state', { a: { on: { go: 'a' } }, end }],
      ['targetless transitions', { a: { on: { go: { actions: 'note' } } }, end }],
      ['transitions out of a final state', { a: { on: { go: 'end' } }, end: { type: 'final', always: 'a' } }],
      ['an output on a final state', { a: {}, end: { type: 'final', output: 1 } }],
      ['events on the root', { a: {}, end }, { on: { go: '.end' } }],
      ['entry actions on the root', { a: {}, end }, { entry: 'note' }],
      ['actions reading the actor system', { a: { entry: ({ system }: { system: unknown }) => system }, end }],
      ['actions using more of self than send', { a: { entry: ({ self }: { self: { id: string } }) => self.id }, end }],
      ['assigns that spawn', { a: { entry: assign(({ spawn }) => ({ child: spawn })) }, end }],
      ['a context that spawns', { a: {}, end }, { context: ({ spawn }: { spawn: unknown }) => ({ child: spawn }) }],
    ];
    for (const [what, states, extra] of unsupported) expect([what, flatOf(states, extra)]).toEqual([what, undefined]);
  });

  it('runs a machine it does not compile with xstate', async () => {
    const machine = setup({}).createMachine({
      initial: 'a',
      output: () => 'late',
      states: { a: { after: { 1: 'end' } }, end: { type: 'final' } },
    });
    expect(compileFlatMachine(machine)).toBeUndefined();
    await expect(runnerFor(machine)(undefined)).resolves.toBe('late');
  });
});
