// The response cache as a state of the request graph: when a run looks up, what it keys on, a hit answering with no
// call (whole or replayed), a miss stored once whole, and the rule matched once, with the classification, for both
// the cache and the plan.
import { describe, expect, it } from 'vitest';
import { assign, createActor, toPromise } from 'xstate';
import type { ChatContext, ChatDeps, ChatInput } from '../../../../graphs/chat/context.js';
import { createChatGraph } from '../../../../graphs/chat/index.js';
import { createChatMachine } from '../../../../graphs/chat/machine.js';
import { cachedAsItEnds, cacheKeyOf, wantsCache, withUsageForCache } from '../../../../graphs/chat/nodes/cache.js';
import { createResponseCache, type ResponseCache } from '../../../../graphs/chat/response-cache.js';
import { createLocalKeyPool } from '../../../../src/accounts/pool-wiring.js';
import { RoutingSchema, type RoutingRule } from '../../../../src/config/routing-schema.js';
import { createEventBus, createRunEmitter } from '../../../../src/events/publisher.js';
import type { RunEvent } from '../../../../src/events/types.js';
import { resolveCatalogWithKeys } from '../../../../src/accounts/provider-keys.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../../../src/providers/types.js';
import { classify } from '../../../../src/routing/classifier/classify.js';
import { createMemoryKvStore } from '../../../../src/storage/memory/kv.js';

const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'p',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: ['a', 'b'].map((id) => ({
        id,
        capabilities: ['chat' as const],
        contextWindow: 8192,
        quality: 0.5,
        speed: 0.5,
        costPer1M: { input: 0, output: 0 },
      })),
    },
  ],
  {},
);

const completion = (content: string): ChatCompletion => ({
  id: 'x',
  object: 'chat.completion',
  created: 0,
  model: 'upstream',
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  choices: [
    { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
  ],
});

const newCache = () => createResponseCache(createMemoryKvStore(), { ttlMs: 60_000, maxBytes: 1 << 20 });

function deps(cache: ResponseCache | undefined, calls: string[], rules: unknown[] = []): ChatDeps {
  const chat = async (_request: unknown, ctx: { model: string }) => {
    calls.push(ctx.model);
    return completion(`answer from ${ctx.model}`);
  };
  return {
    registry,
    adapters: { openai: { protocol: 'openai', chat } } as unknown as ChatDeps['adapters'],
    keys: createLocalKeyPool(),
    // The tests name the model that answers: the bandit's draws (on by default) would pick another now and then.
    routing: RoutingSchema.parse({ totalTimeoutMs: 60_000, rules, bandit: { enabled: false } }),
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
    now: Date.now,
    ...(cache === undefined ? {} : { cache }),
  };
}

function input(extra: Partial<ChatInput> = {}, content = 'Say hello'): ChatInput {
  return {
    request: { model: 'auto', messages: [{ role: 'user', content }] },
    route: { mode: 'balanced' },
    stream: false,
    signal: new AbortController().signal,
    emitter: createRunEmitter(createEventBus(), 'run'),
    cache: { asked: true, scope: 'client:c1' },
    ...extra,
  };
}

const rule = (extra: Partial<RoutingRule>): RoutingRule =>
  ({ name: 'r', when: { task: ['translation'] }, ...extra }) as RoutingRule;

describe('wantsCache', () => {
  const context = (cache: ChatInput['cache'], matched?: RoutingRule) =>
    ({ input: { cache }, rule: matched }) as unknown as ChatContext;
  const on = deps(newCache(), []);

  it('looks up when the client asked, or when the matched rule has cache: true', () => {
    expect(wantsCache(on, context({ asked: true, scope: 's' }))).toBe(true);
    expect(wantsCache(on, context({ asked: false, scope: 's' }, rule({ cache: true })))).toBe(true);
  });

  it('does not when neither asks, for runs that may not use the cache, or without a cache', () => {
    expect(wantsCache(on, context({ asked: false, scope: 's' }))).toBe(false);
    expect(wantsCache(on, context({ asked: false, scope: 's' }, rule({ cache: false })))).toBe(false);
    expect(wantsCache(on, context(undefined, rule({ cache: true })))).toBe(false);
    expect(wantsCache(deps(undefined, []), context({ asked: true, scope: 's' }))).toBe(false);
  });
});

describe('cacheKeyOf', () => {
  const cache = newCache();
  it('keys on the request and the routing fields, within the scope, and not on how the answer is delivered', () => {
    const base = cacheKeyOf(cache, input());
    expect(cacheKeyOf(cache, input({ stream: true, request: { ...input().request, stream: true } }))).toBe(base);
    expect(cacheKeyOf(cache, input({ cache: { asked: true, scope: 'client:c2' } }))).not.toBe(base);
    expect(cacheKeyOf(cache, input({ route: { mode: 'fastest' } }))).not.toBe(base);
    expect(cacheKeyOf(cache, input({ route: { mode: 'balanced', provider: 'p' } }))).not.toBe(base);
    expect(cacheKeyOf(cache, input({ route: { mode: 'balanced', models: ['p/b'] } }))).not.toBe(base);
    expect(cacheKeyOf(cache, input({}, 'Say goodbye'))).not.toBe(base);
  });
});

describe('withUsageForCache', () => {
  it('asks a stream for its usage, keeping its other stream options and leaving the input as it was', () => {
    const streamed = input({ stream: true, request: { ...input().request, stream_options: { include_usage: false } } });
    const sent = withUsageForCache(streamed);
    expect(sent.request.stream_options).toEqual({ include_usage: true });
    expect(streamed.request.stream_options).toEqual({ include_usage: false });
    const whole = input();
    expect(withUsageForCache(whole)).toBe(whole);
  });
});

describe('cachedAsItEnds', () => {
  const chunk = (content: string | undefined, usage?: ChatCompletionChunk['usage']): ChatCompletionChunk => ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'p/a',
    choices: content === undefined ? [] : [{ index: 0, delta: { content }, finish_reason: null }],
    ...(usage === undefined ? {} : { usage }),
  });
  const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
  async function* upstream(fail = false) {
    yield chunk('Hi', null);
    yield chunk(' there', null);
    if (fail) throw new Error('broken');
    yield chunk(undefined, usage);
  }

  it('stores the whole answer with its usage once the stream ended; only a client that asked gets usage', async () => {
    for (const clientWantsUsage of [true, false]) {
      const cache = newCache();
      const sent: ChatCompletionChunk[] = [];
      for await (const c of cachedAsItEnds(cache, 'key', upstream(), clientWantsUsage)) sent.push(c);
      expect(sent.map((c) => c.usage)).toEqual(clientWantsUsage ? [null, null, usage] : [undefined, undefined]);
      const stored = await cache.get('key');
      expect(stored?.choices[0]?.message.content).toBe('Hi there');
      expect(stored?.usage).toEqual(usage);
    }
  });

  it('stores nothing when the stream broke', async () => {
    const cache = newCache();
    await expect(
      (async () => {
        for await (const _ of cachedAsItEnds(cache, 'key', upstream(true), false));
      })(),
    ).rejects.toThrow('broken');
    expect(await cache.get('key')).toBeUndefined();
  });
});

describe('the request graph with the cache', () => {
  it('answers a hit with no upstream call: whole, or replayed as a stream with the usage asked for', async () => {
    const cache = newCache();
    const calls: string[] = [];
    const graph = createChatGraph(deps(cache, calls));
    const miss = await graph.run(input());
    expect([miss.kind, miss.cache, miss.attempts, calls]).toEqual(['completion', 'miss', 1, ['a']]);
    const hit = await graph.run(input());
    expect(calls).toEqual(['a']);
    if (hit.kind !== 'cached') throw new Error(`expected a hit, got ${hit.kind}`);
    expect([hit.cache, hit.attempts, hit.completion.model, hit.chunks]).toEqual(['hit', 0, 'p/a', undefined]);
    expect(hit.completion.choices[0]!.message.content).toBe('answer from a');

    const request = { ...input().request, stream: true, stream_options: { include_usage: true } };
    const streamed = await graph.run(input({ stream: true, request }));
    if (streamed.kind !== 'cached' || streamed.chunks === undefined) throw new Error('expected a replayed hit');
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of streamed.chunks) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('answer from a');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(calls).toEqual(['a']);
  });

  it('neither looks up nor says anything of the cache when the run may not use it or nobody asked', async () => {
    const cache = newCache();
    const calls: string[] = [];
    const graph = createChatGraph(deps(cache, calls));
    await graph.run(input());
    const agent = await graph.run(input({ cache: undefined }));
    const unasked = await graph.run(input({ cache: { asked: false, scope: 'client:c1' } }));
    expect([agent.kind, agent.cache, unasked.kind, unasked.cache]).toEqual([
      'completion',
      undefined,
      'completion',
      undefined,
    ]);
    expect(calls).toEqual(['a', 'a', 'a']);
  });

  it("looks up for a request a cache: true rule matches, and emits the cache node's events", async () => {
    const cache = newCache();
    const calls: string[] = [];
    const graph = createChatGraph(deps(cache, calls, [rule({ cache: true })]));
    const unasked = { cache: { asked: false, scope: 'anonymous' } };
    const translate = () => input(unasked, 'Translate "good morning" into French.');
    expect((await graph.run(translate())).cache).toBe('miss');
    const bus = createEventBus();
    const events: RunEvent[] = [];
    bus.attach((event) => events.push(event));
    const hit = await graph.run({ ...translate(), emitter: createRunEmitter(bus, 'followed') });
    expect(hit.kind).toBe('cached');
    expect(events.map((e) => (e.node ? `${e.type}:${e.node}` : e.type))).toEqual([
      'run_started',
      'node_started:classify',
      'node_finished:classify',
      'node_started:cache',
      'node_finished:cache',
      'run_finished',
    ]);
    expect(calls).toEqual(['a']);
  });

  it('plans with the rule matched next to the classification, never matching again', async () => {
    const calls: string[] = [];
    const rules = [rule({ name: 'translations', prefer: ['p/b'] })];
    // The classify node is replaced by one that records a different rule: the plan must follow it, not re-match.
    const other = rule({ name: 'carried', when: {}, prefer: ['p/a'] });
    const machine = createChatMachine(deps(undefined, calls, rules)).provide({
      actions: {
        classify: assign(({ context }) => ({ classification: classify(context.input.request), rule: other })),
      },
    });
    const actor = createActor(machine, { input: input({}, 'Translate "hello" into French.') });
    const outcome = await toPromise(actor.start());
    if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}`);
    expect([outcome.plan.rule, calls]).toEqual(['carried', ['a']]);
  });
});
