// The Anthropic adapter against a real HTTP server speaking the Messages API (test/fakes/anthropic-wire.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicAdapter } from '../../../../src/providers/anthropic/adapter.js';
import { isProviderError, type ProviderError } from '../../../../src/providers/errors.js';
import { createHttpClient, type HttpClient } from '../../../../src/providers/http.js';
import type {
  CallContext,
  ChatCompletionChunk,
  ChatRequest,
  ProviderAdapter,
} from '../../../../src/providers/types.js';
import { startAnthropicUpstream } from '../../../fakes/anthropic-wire.js';
import { sleep, type FakeUpstream } from '../../../fakes/fake-upstream.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';
import { collect, fixture, reassemble } from './replay.js';

let http: HttpClient;
let fake: FakeUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  http = createHttpClient();
  fake = await startAnthropicUpstream();
  adapter = createAnthropicAdapter({ http, now: () => 1_720_000_000_000 });
});
afterAll(async () => {
  await http.close();
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.setFallback({ type: 'text', text: 'fallback answer' });
});

function ctx(overrides: Partial<CallContext> = {}): CallContext {
  return {
    baseUrl: fake.baseUrl,
    apiKey: 'sk-ant-test-key',
    model: 'claude-sonnet-4-5',
    signal: new AbortController().signal,
    timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 2000 },
    ...overrides,
  };
}

const ask = (content: string): ChatRequest => ({
  model: 'anthropic/claude-sonnet-4-5',
  messages: [{ role: 'user', content }],
});

async function failureOf(run: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await run();
  } catch (err) {
    if (isProviderError(err)) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('anthropic adapter: successful calls', () => {
  it('chat posts a Messages request with the key and version headers and maps the answer', async () => {
    fake.queue({ type: 'text', text: 'Bonjour !', usage: { prompt: 21, completion: 4 } });
    const request: ChatRequest = {
      model: 'anthropic/claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello in French' },
      ],
    };
    const completion = await adapter.chat(request, ctx({ headers: { 'anthropic-beta': 'test-beta' } }));
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(completion.choices[0]?.message).toEqual({ role: 'assistant', content: 'Bonjour !', refusal: null });
    expect(completion).toMatchObject({
      model: 'claude-sonnet-4-5',
      created: 1_720_000_000,
      usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 },
    });
    expect(completion.id).toMatch(/^msg_fake_/);

    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(sent?.headers).toMatchObject({
      'x-api-key': 'sk-ant-test-key',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'test-beta',
      'content-type': 'application/json',
    });
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello in French' }] }],
    });
  });

  it('stream sets stream: true and yields chunks that rebuild the text, finish and usage', async () => {
    fake.queue({ type: 'text', text: 'one two three four', usage: { prompt: 8, completion: 5 } });
    const chunks = await collect(adapter.stream(ask('count'), ctx()));
    const got = reassemble(chunks);
    expect(got).toMatchObject({ role: 'assistant', text: 'one two three four', finishReasons: ['stop'] });
    expect(got.usage).toEqual({ prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 });
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(4);
    expect(fake.requests[0]?.body).toMatchObject({ stream: true, model: 'claude-sonnet-4-5' });
    expect(fake.requests[0]?.headers['accept']).toBe('text/event-stream');
  });

  it('round-trips tools: a tool call out, then the tool result sent back as tool_result blocks', async () => {
    const tools: ChatRequest['tools'] = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const first: ChatRequest = { ...ask('Weather in Paris?'), tools, tool_choice: 'required' };
    fake.queue({
      type: 'text',
      text: 'Let me look.',
      toolCalls: [{ id: 'toolu_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const call = await adapter.chat(first, ctx());
    expect(schemaErrors.completion(call)).toEqual([]);
    const message = call.choices[0]!.message;
    expect(call.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toEqual([
      { id: 'toolu_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(fake.requests[0]?.body).toMatchObject({
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'any' },
    });

    const second: ChatRequest = {
      ...first,
      tool_choice: 'auto',
      messages: [...first.messages, message, { role: 'tool', tool_call_id: 'toolu_w1', content: '18°C and sunny' }],
    };
    fake.queue({ type: 'text', text: 'It is 18°C and sunny in Paris.' });
    const answer = reassemble(await collect(adapter.stream(second, ctx())));
    expect(answer.text).toBe('It is 18°C and sunny in Paris.');
    expect(fake.requests[1]?.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_w1', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_w1', content: [{ type: 'text', text: '18°C and sunny' }] },
        ],
      },
    ]);
  });

  it('streams tool calls with their id, name and arguments', async () => {
    const toolCalls = [
      { id: 'toolu_a', name: 'lookup', arguments: '{"q":"anthropic wire"}' },
      { name: 'noop', arguments: '{}' },
    ];
    fake.queue({ type: 'text', text: '', toolCalls });
    const request: ChatRequest = { ...ask('go'), tools: [{ type: 'function', function: { name: 'lookup' } }] };
    const got = reassemble(await collect(adapter.stream(request, ctx())));
    expect(got.toolCalls).toEqual([
      { id: 'toolu_a', name: 'lookup', arguments: '{"q":"anthropic wire"}' },
      { id: 'toolu_fake_1', name: 'noop', arguments: '{}' },
    ]);
    expect(got.finishReasons).toEqual(['tool_calls']);
  });

  it('listModels reads /models with the key headers', async () => {
    fake.models = ['claude-sonnet-4-5', 'claude-haiku-4-5'];
    const { model: _model, ...listCtx } = ctx();
    expect(await adapter.listModels(listCtx)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models?limit=1000' });
    expect(fake.requests[0]?.headers).toMatchObject({
      'x-api-key': 'sk-ant-test-key',
      'anthropic-version': '2023-06-01',
    });
  });
});

describe('anthropic adapter: failures', () => {
  it('429 with retry-after: 3 → rate_limit, retryAfterMs 3000, on chat and on stream', async () => {
    const message = 'Number of requests has exceeded your rate limit';
    const limited = { type: 'error' as const, status: 429, message, headers: { 'retry-after': '3' } };
    fake.queue(limited, limited);
    const error = await failureOf(() => adapter.chat(ask('hi'), ctx()));
    expect(error).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 3000,
      upstreamCode: 'rate_limit_error',
    });
    const streamed = await failureOf(() => collect(adapter.stream(ask('hi'), ctx())));
    expect(streamed).toMatchObject({ kind: 'rate_limit', retryAfterMs: 3000 });
  });

  it('401 → auth', async () => {
    fake.queue({ type: 'error', status: 401, message: 'invalid x-api-key' });
    expect(await failureOf(() => adapter.chat(ask('hi'), ctx()))).toMatchObject({
      kind: 'auth',
      status: 401,
      message: 'invalid x-api-key',
    });
  });

  it('the recorded 529 overloaded body → server', async () => {
    fake.queue({ type: 'error', status: 529, rawBody: JSON.parse(fixture('vercel-ai_error_overloaded_529.json')) });
    const error = await failureOf(() => adapter.chat(ask('hi'), ctx()));
    expect(error).toMatchObject({
      kind: 'server',
      status: 529,
      message: 'Overloaded',
      upstreamCode: 'overloaded_error',
    });
  });

  it('400 "prompt is too long" → context_length', async () => {
    fake.queue({ type: 'error', status: 400, message: 'prompt is too long: 215000 tokens > 200000 maximum' });
    const error = await failureOf(() => adapter.chat(ask('hi'), ctx()));
    expect(error).toMatchObject({ kind: 'context_length', status: 400, upstreamCode: 'invalid_request_error' });
  });

  it('a plain 400 → bad_request', async () => {
    fake.queue({
      type: 'error',
      status: 400,
      message: 'messages: roles must alternate between "user" and "assistant"',
    });
    expect(await failureOf(() => adapter.chat(ask('hi'), ctx()))).toMatchObject({
      kind: 'bad_request',
    });
  });

  it('no response head within firstByteMs → timeout', async () => {
    fake.queue({ type: 'hang' });
    const timeouts = { connectMs: 1000, firstByteMs: 200, idleMs: 2000 };
    const error = await failureOf(() => adapter.chat(ask('hi'), ctx({ timeouts })));
    expect(error).toMatchObject({ kind: 'timeout', status: 0 });
  });

  it('a stream whose socket breaks after two events → network, after the chunks that arrived', async () => {
    // The delay lets the first two events reach the client before the socket is destroyed.
    fake.queue({
      type: 'text',
      text: 'never finished here',
      chunkDelayMs: 20,
      failAfterEvents: { count: 2, how: 'break' },
    });
    const chunks: ChatCompletionChunk[] = [];
    const error = await failureOf(async () => {
      for await (const chunk of adapter.stream(ask('hi'), ctx())) chunks.push(chunk);
    });
    expect(error).toMatchObject({ kind: 'network', status: 0 });
    expect(chunks.map((c) => c.choices[0]?.delta.role)).toEqual(['assistant']);
  });

  it('a stream that goes silent longer than idleMs → timeout', async () => {
    fake.queue({ type: 'text', text: 'a b c', failAfterEvents: { count: 4, how: 'stall' } });
    const timeouts = { connectMs: 1000, firstByteMs: 2000, idleMs: 200 };
    const error = await failureOf(() => collect(adapter.stream(ask('hi'), ctx({ timeouts }))));
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('aborting ctx.signal mid-stream rejects with an AbortError and closes the upstream connection', async () => {
    fake.queue({ type: 'text', text: 'w '.repeat(50), chunkDelayMs: 30 });
    const controller = new AbortController();
    const seen: ChatCompletionChunk[] = [];
    const run = (async () => {
      for await (const chunk of adapter.stream(ask('hi'), ctx({ signal: controller.signal }))) {
        seen.push(chunk);
        if (seen.length === 3) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeLessThan(10);
    for (let i = 0; i < 50 && !fake.requests[0]?.aborted; i++) await sleep(20);
    expect(fake.requests[0]?.aborted).toBe(true);
  });
});
