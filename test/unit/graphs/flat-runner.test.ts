// The flat runner against xstate's own actor, on the request machine: each scenario runs through both with fresh,
// identical deps and a counting clock, and everything they do must match: the outcome, every inspection microstep
// (state, event, transition, context), the run events projected from them, and the upstream calls, in one order.
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import type { ChatContext, ChatInput } from '../../../graphs/chat/context.js';
import { createGraphEventProjector } from '../../../graphs/chat/events.js';
import { compileFlatMachine, xstateRunner } from '../../../graphs/chat/flat-machine.js';
import { createChatMachine } from '../../../graphs/chat/machine.js';
import { createResponseCache } from '../../../graphs/chat/response-cache.js';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import type { ChatCompletion } from '../../../src/providers/types.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';
import { type Behaviour, chatDeps, type DepsOptions, fail, ok, registryOf } from './chat-fixture.js';

/** p/a, p/b, p/c as chat-machine.test.ts has them, and p/g: the grader and classifier model; two keys. */
const registry = registryOf({ a: 0.9, b: 0.8, c: 0.7, g: 0.1 }, ['k1', 'k2']);

interface Scenario {
  /** Made afresh for each interpreter: behaviours may count their calls. */
  behaviour: () => Behaviour;
  options?: Omit<DepsOptions, 'now' | 'registry'>;
  /** One run per entry, in order, on the same deps (a cache filled by the first is read by the next). */
  inputs?: Partial<ChatInput>[];
  withCache?: boolean;
}

type Interpreter = 'xstate' | 'flat';

// Each run makes its own closures (a classification's lazy token count): two are alike when their code is.
expect.addEqualityTesters([
  (a, b) => (typeof a === 'function' && typeof b === 'function' ? String(a) === String(b) : undefined),
]);

/** Runs the scenario; what happened, in the order it happened, and each run's outcome. */
async function trace(interpreter: Interpreter, scenario: Scenario) {
  const log: unknown[] = [];
  let clock = 0;
  const cache = scenario.withCache
    ? createResponseCache(createMemoryKvStore(), { ttlMs: 60_000, maxBytes: 1 << 20 })
    : undefined;
  const deps = chatDeps(scenario.behaviour(), log as string[], {
    ...scenario.options,
    registry,
    now: () => ++clock,
    ...(cache === undefined ? {} : { cache }),
  });
  const machine = createChatMachine(deps);
  const run = interpreter === 'xstate' ? xstateRunner<ChatInput, unknown>(machine) : compileFlatMachine(machine)!;
  expect(run).toBeDefined();
  const bus = createEventBus();
  bus.attach((e) => log.push(['event', e.seq, e.type, e.node, e.data]));
  for (const [i, extra] of (scenario.inputs ?? [{}]).entries()) {
    const emitter = createRunEmitter(bus, `run-${i}`);
    const input: ChatInput = {
      request: { model: 'auto', messages: [{ role: 'user', content: 'hello' }] },
      route: { mode: 'best_quality' },
      stream: false,
      signal: new AbortController().signal,
      emitter,
      ...extra,
    };
    const project = createGraphEventProjector(emitter, deps.now, deps.routing.judgeThreshold);
    const inspect = (event: InspectionEvent) => {
      if (event.type === '@xstate.microstep') {
        const { value, context } = event.snapshot as unknown as { value: string; context: ChatContext };
        const targets = event._transitions.map((t) => t.target?.map((s) => s.key));
        log.push(['step', value, event.event.type, targets, plain(context)]);
      }
      project(event);
    };
    const outcome = await run(input, inspect).then(
      (output) => ['done', plain(output)],
      (error: Error) => ['error', error.message],
    );
    log.push(['outcome', outcome]);
    // What the graph does with a missed answer (index.ts): stored for the next run to find.
    const missed = outcome[1] as { kind?: string; cacheKey?: string; result?: { completion: ChatCompletion } };
    if (cache && missed.kind === 'answer' && missed.cacheKey)
      await cache.put(missed.cacheKey, missed.result!.completion);
  }
  return log;
}

/** A context or outcome, comparable across two runs: its input's emitter and signal (one per run) left out. */
function plain(value: unknown): unknown {
  const { input, ...rest } = value as { input?: ChatInput };
  if (input === undefined) return rest;
  const { emitter: _, signal, ...kept } = input;
  return { ...rest, input: { ...kept, aborted: signal.aborted } };
}

/** Both interpreters' traces, asserted equal; the flat runner's is returned for the scenario's own checks. */
async function both(scenario: Scenario) {
  const expected = await trace('xstate', scenario);
  const actual = await trace('flat', scenario);
  expect(actual).toEqual(expected);
  const steps = actual.filter((e) => (e as unknown[])[0] === 'step').map((e) => (e as unknown[])[1]);
  const calls = actual.filter((e) => typeof e === 'string');
  const outcomes = actual.filter((e) => (e as unknown[])[0] === 'outcome').map((e) => (e as unknown[])[1]);
  return { steps, calls, outcomes: outcomes as [string, Record<string, unknown>][] };
}

/** Answers from `replies` in turn, the last one from then on. */
const inTurn =
  (...replies: (() => ChatCompletion)[]) =>
  () => {
    let i = 0;
    return () => replies[Math.min(i++, replies.length - 1)]!();
  };

describe('the flat runner runs the request machine as xstate does', () => {
  it('answers from the first model', async () => {
    const { steps, calls, outcomes } = await both({ behaviour: () => ({ a: ok('from a') }) });
    expect(steps).toEqual(['route', 'call', 'judge', 'done']);
    expect([calls, outcomes[0]![1].kind]).toEqual([['a'], 'answer']);
  });

  it('falls back after a failure and a rejected answer', async () => {
    const { steps, calls } = await both({ behaviour: () => ({ a: fail('server'), b: ok(''), c: ok('from c') }) });
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(steps).toContain('fallback');
    expect(steps).toContain('failedAttempt');
  });

  it('retries the same model with another key', async () => {
    const { calls, steps } = await both({ behaviour: () => ({ a: inTurn(fail('auth'), ok('from a'))() }) });
    expect(calls).toEqual(['a', 'a']);
    expect(steps.slice(0, 4)).toEqual(['route', 'call', 'failedAttempt', 'call']);
  });

  it('fails when every attempt fails', async () => {
    const timeout = fail('timeout');
    const { outcomes, steps } = await both({
      behaviour: () => ({ a: timeout, b: timeout, c: timeout }),
      options: { maxAttempts: 2 },
    });
    expect(steps.slice(-2)).toEqual(['exhausted', 'failed']);
    expect(outcomes[0]![1].kind).toBe('error');
  });

  it('answers with the best rejected answer when every answer is rejected', async () => {
    const refusal = ok("I'm sorry, but I can't help with that.");
    const { outcomes, steps } = await both({
      behaviour: () => ({ a: refusal, b: ok(''), c: ok('') }),
    });
    expect(steps.slice(-2)).toEqual(['exhausted', 'done']);
    expect((outcomes[0]![1].candidate as { model: { ref: string } }).model.ref).toBe('p/a');
  });

  it('misses the response cache, then answers from it', async () => {
    const cache = { asked: true, scope: 'client:c1' };
    const { outcomes, steps, calls } = await both({
      behaviour: () => ({ a: ok('from a') }),
      withCache: true,
      inputs: [{ cache }, { cache }],
    });
    expect(outcomes.map(([, o]) => o.kind)).toEqual(['answer', 'cached']);
    expect(steps.filter((s) => s === 'cache')).toHaveLength(2);
    expect(calls).toEqual(['a']);
  });

  it('asks the classifier model when the classifier is unsure', async () => {
    const { steps, calls } = await both({
      behaviour: () => ({ g: ok('{"task": "code", "domain": "general"}'), a: ok('from a') }),
      options: { routing: { llmClassifier: { model: 'p/g' }, classifierMinConfidence: 1 } },
    });
    expect(steps.slice(0, 3)).toEqual(['secondOpinion', 'classified', 'route']);
    expect(calls[0]).toBe('g');
  });

  it('grades with the LLM judge, falling back after a low grade', async () => {
    const { steps, calls } = await both({
      behaviour: () => ({ g: inTurn(ok('{"score": 2}'), ok('{"score": 9}'))(), a: ok('from a'), b: ok('from b') }),
      options: { routing: { llmJudge: { model: 'p/g' } } },
    });
    expect(calls).toEqual(['a', 'g', 'b', 'g']);
    expect(steps.filter((s) => s === 'grade')).toHaveLength(2);
  });

  it('runs an ensemble (select and synthesize)', async () => {
    for (const strategy of ['select', 'synthesize']) {
      const { steps, outcomes } = await both({
        behaviour: () => ({ a: ok('from a'), b: ok('from b') }),
        inputs: [{ ensemble: { strategy, models: ['p/a', 'p/b'] } as ChatInput['ensemble'] }],
      });
      expect(steps).toEqual(['route', 'fuse', 'done']);
      expect(outcomes[0]![1].fused).toBeDefined();
    }
  });

  it('cascades: to the ensemble only after a poor first answer', async () => {
    const ensemble = { strategy: 'cascade', models: ['p/a', 'p/b'] } as ChatInput['ensemble'];
    const good = await both({ behaviour: () => ({ a: ok('from a'), b: ok('from b') }), inputs: [{ ensemble }] });
    expect(good.steps).not.toContain('fuse');
    const poor = await both({ behaviour: () => ({ a: ok(''), b: ok('from b') }), inputs: [{ ensemble }] });
    expect(poor.steps).toContain('fuse');
  });

  it('stops when the client has gone', async () => {
    const controller = new AbortController();
    controller.abort();
    const { outcomes } = await both({
      behaviour: () => ({ a: fail('network'), b: ok('from b') }),
      inputs: [{ signal: controller.signal }],
    });
    expect(outcomes[0]![1].kind).toBe('error');
  });
});
