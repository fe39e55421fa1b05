// The request statechart as data: its callModel actor is replaced, so each path is driven without any network.
import { createActor, fromPromise, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createChatMachine } from '../../../graphs/chat/machine.js';
import type { CallResult, ChatDeps } from '../../../graphs/chat/context.js';
import type { CallInput } from '../../../graphs/chat/nodes/call.js';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import type { RunEvent } from '../../../src/events/types.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { buildRegistry } from '../../../src/providers/registry.js';
import type { ChatCompletion } from '../../../src/providers/types.js';

const model = (id: string, quality: number) => ({ id, capabilities: ['chat' as const], contextWindow: 8192, quality, speed: 0.5, costPer1M: { input: 0, output: 0 } });
const registry = buildRegistry([], [
  { id: 'p', protocol: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKeys: ['k'], models: [model('a', 0.9), model('b', 0.8), model('c', 0.7)] },
], {});

function deps(maxAttempts = 3): ChatDeps {
  return {
    registry,
    adapters: {} as ChatDeps['adapters'],
    keys: { next: () => 'k' },
    routing: { defaultMode: 'balanced', maxAttempts, totalTimeoutMs: 60_000, judgeThreshold: 0.5 },
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
    now: Date.now,
  };
}

function completion(content: string): ChatCompletion {
  return { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }] };
}

/** Runs the machine with `behaviour` answering each call by the model's id. */
async function run(behaviour: Record<string, () => CallResult>, maxAttempts = 3) {
  const calls: string[] = [];
  const bus = createEventBus();
  const events: RunEvent[] = [];
  bus.attach((event) => events.push(event));
  const machine = createChatMachine(deps(maxAttempts)).provide({
    actors: {
      callModel: fromPromise<CallResult, CallInput>(async ({ input }) => {
        calls.push(input.candidate.model.config.id);
        return behaviour[input.candidate.model.config.id]!();
      }),
    },
  });
  const actor = createActor(machine, {
    input: {
      request: { model: 'auto', messages: [{ role: 'user', content: 'hello' }] },
      route: { model: 'auto', mode: 'best_quality' },
      stream: false,
      signal: new AbortController().signal,
      emitter: createRunEmitter(bus, 'run-1'),
    },
  });
  const outcome = await toPromise(actor.start());
  return { outcome, calls, events };
}

const ok = (text: string) => () => ({ kind: 'completion' as const, completion: completion(text) });
const fail = (kind: ConstructorParameters<typeof ProviderError>[1]['kind']) => () => {
  throw new ProviderError(`${kind} failure`, { kind, status: 500 });
};

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

  it('emits numbered events: run, nodes, route decision, failures', async () => {
    const { events } = await run({ a: fail('rate_limit'), b: ok('from b') });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.run_id === 'run-1')).toBe(true);
    const trace = events.map((e) => (e.node ? `${e.type}:${e.node}` : e.type));
    expect(trace).toEqual([
      'node_started:classify', 'node_finished:classify',
      'node_started:route', 'route_decided:route', 'node_finished:route',
      // A transition's actions run after the state's exit, so the failure is reported after the call node ends.
      'node_started:call', 'node_finished:call', 'attempt_failed:call',
      'node_started:call', 'node_finished:call',
      'node_started:judge', 'node_finished:judge',
    ]);
    const decided = events.find((e) => e.type === 'route_decided')!;
    expect((decided.data['plan'] as Array<{ model: string }>).map((p) => p.model)).toEqual(['p/a', 'p/b', 'p/c']);
  });
});
