// The request statechart driven without any network: its adapter is a function answering by model id.
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createGraphEventProjector } from '../../../graphs/chat/events.js';
import { createChatMachine } from '../../../graphs/chat/machine.js';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import type { RunEvent } from '../../../src/events/types.js';
import { type Behaviour, chatDeps, fail, ok } from './chat-fixture.js';

/** Runs the machine with `behaviour` answering each call by the model's id. */
async function run(behaviour: Behaviour, maxAttempts = 3) {
  const calls: string[] = [];
  const bus = createEventBus();
  const events: RunEvent[] = [];
  bus.attach((event) => events.push(event));
  const machine = createChatMachine(chatDeps(behaviour, calls, { maxAttempts }));
  const emitter = createRunEmitter(bus, 'run-1');
  const actor = createActor(machine, {
    input: {
      request: { model: 'auto', messages: [{ role: 'user', content: 'hello' }] },
      route: { mode: 'best_quality' },
      stream: false,
      signal: new AbortController().signal,
      emitter,
    },
    inspect: createGraphEventProjector(emitter, Date.now, 0.5),
  });
  const outcome = await toPromise(actor.start());
  return { outcome, calls, events };
}

describe('chat machine', () => {
  it('answers from the best-ranked model when it succeeds', async () => {
    const { outcome, calls } = await run({ a: ok('from a') });
    expect(calls).toEqual(['a']);
    expect(outcome.kind === 'answer' && outcome.candidate.model.ref).toBe('p/a');
  });

  it('falls back in plan order on retryable failures and on rejected answers', async () => {
    const { outcome, calls } = await run({ a: fail('server'), b: ok(''), c: ok('from c') });
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(outcome.kind === 'answer' && outcome.candidate.model.ref).toBe('p/c');
    expect(outcome.attempts.map((a) => [a.ref, a.error?.message ?? a.verdict?.reasons.join()])).toEqual([
      ['p/a', 'server failure'],
      ['p/b', 'empty answer'],
      ['p/c', ''],
    ]);
  });

  it('stops at the first non-retryable failure', async () => {
    const { outcome, calls } = await run({ a: fail('bad_request'), b: ok('never') });
    expect(calls).toEqual(['a']);
    expect(outcome.kind === 'error' && outcome.error.status).toBe(400);
  });

  it('stops after maxAttempts', async () => {
    const { outcome, calls } = await run({ a: fail('timeout'), b: fail('timeout'), c: ok('never') }, 2);
    expect(calls).toEqual(['a', 'b']);
    expect(outcome.kind === 'error' && outcome.error.status).toBe(504);
  });

  it('projects numbered events from its transitions: nodes, route decision, failures, rejections', async () => {
    // A server error, not a 429: a rate-limited key would rest, and b and c share its provider.
    const { events } = await run({ a: fail('server'), b: ok(''), c: ok('from c') });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.run_id === 'run-1')).toBe(true);
    const trace = events.map((e) => (e.node ? `${e.type}:${e.node}` : e.type));
    expect(trace).toEqual([
      'node_started:classify',
      'node_finished:classify',
      'node_started:route',
      'route_decided:route',
      'node_finished:route',
      'node_started:call',
      'node_finished:call',
      'attempt_failed:call',
      'node_started:call',
      'node_finished:call',
      'node_started:judge',
      'node_finished:judge',
      'attempt_failed:judge',
      'node_started:call',
      'node_finished:call',
      'node_started:judge',
      'node_finished:judge',
    ]);
    const rejected = events.find((e) => e.type === 'attempt_failed' && e.node === 'judge')!;
    expect(rejected.data).toMatchObject({ model: 'p/b', rejected: true, score: 0, reasons: ['empty answer'] });
    const decided = events.find((e) => e.type === 'route_decided')!;
    expect(decided.data.plan.map((p) => p.model)).toEqual(['p/a', 'p/b', 'p/c']);
  });
});
