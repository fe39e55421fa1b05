// The request statechart driven without any network: its adapter is a function answering by model id.
import { RoutingSchema } from '../../../src/config/routing-schema.js';
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createGraphEventProjector } from '../../../graphs/chat/events.js';
import { createChatMachine } from '../../../graphs/chat/machine.js';
import type { ChatDeps } from '../../../graphs/chat/context.js';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import type { RunEvent } from '../../../src/events/types.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { ChatCompletion } from '../../../src/providers/types.js';
import { createLocalKeyPool } from '../../../src/accounts/pool-wiring.js';

const model = (id: string, quality: number) => ({
  id,
  capabilities: ['chat' as const],
  contextWindow: 8192,
  quality,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
});
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'p',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: [model('a', 0.9), model('b', 0.8), model('c', 0.7)],
    },
  ],
  {},
);

type Behaviour = Record<string, () => ChatCompletion>;

function deps(behaviour: Behaviour, calls: string[], maxAttempts: number): ChatDeps {
  const chat = async (_request: unknown, ctx: { model: string }) => {
    calls.push(ctx.model);
    return behaviour[ctx.model]!();
  };
  return {
    registry,
    adapters: {
      openai: { protocol: 'openai', chat, stream: () => [], listModels: async () => [] },
    } as unknown as ChatDeps['adapters'],
    keys: createLocalKeyPool(),
    // About plan order and fallbacks: the bandit's draws (on by default) would reorder models 0.1 apart.
    routing: RoutingSchema.parse({ maxAttempts, totalTimeoutMs: 60_000, bandit: { enabled: false } }),
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
    now: Date.now,
  };
}

function completion(content: string): ChatCompletion {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
  };
}

/** Runs the machine with `behaviour` answering each call by the model's id. */
async function run(behaviour: Behaviour, maxAttempts = 3) {
  const calls: string[] = [];
  const bus = createEventBus();
  const events: RunEvent[] = [];
  bus.attach((event) => events.push(event));
  const machine = createChatMachine(deps(behaviour, calls, maxAttempts));
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

const ok = (text: string) => () => completion(text);
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
