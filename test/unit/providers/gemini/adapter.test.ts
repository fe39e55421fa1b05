import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAdapter } from '../../../../src/providers/gemini/adapter.js';
import { createHttpClient, type HttpClient } from '../../../../src/providers/http.js';
import type {
  CallContext,
  ChatCompletionChunk,
  ChatRequest,
  ProviderAdapter,
} from '../../../../src/providers/types.js';
import { DEFAULT_TEXT, sleep, type FakeUpstream } from '../../../fakes/fake-upstream.js';
import { geminiRateLimitReply, startGeminiUpstream } from '../../../fakes/gemini-wire.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';
import { collect, fixtureJson, now, streamedText } from './wire-fixtures.js';

const KEY = 'AIzaSy-test-key-0123456789';
const TOOLS: ChatRequest['tools'] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

let fake: FakeUpstream;
let http: HttpClient;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fake = await startGeminiUpstream();
  http = createHttpClient();
  adapter = createGeminiAdapter({ http, now });
});

afterAll(async () => {
  await http.close();
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

function ctx(overrides: Partial<CallContext> = {}): CallContext {
  return {
    baseUrl: fake.baseUrl,
    apiKey: KEY,
    model: 'gemini-2.5-flash',
    signal: new AbortController().signal,
    timeouts: { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000 },
    ...overrides,
  };
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gemini-2.5-flash',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('gemini adapter: calls', () => {
  it('chat: POSTs generateContent with the key in x-goog-api-key only, and answers in OpenAI shape', async () => {
    const completion = await adapter.chat(ask('Hi', { temperature: 0.3 }), ctx({ headers: { 'x-extra': 'yes' } }));
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_TEXT);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    const [req] = fake.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1beta/models/gemini-2.5-flash:generateContent' });
    expect(req!.headers['x-goog-api-key']).toBe(KEY);
    expect(req!.headers['x-extra']).toBe('yes');
    expect(req!.path).not.toContain(KEY);
    expect(req!.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { temperature: 0.3 },
    });
  });

  it('stream: POSTs streamGenerateContent?alt=sse and yields role, deltas, finish and a usage chunk', async () => {
    fake.queue({ type: 'text', text: 'Bonjour à tous, ça va ?', usage: { prompt: 4, completion: 6 } });
    const { chunks, error } = await collect(adapter.stream(ask('Salut'), ctx()));
    expect(error).toBeUndefined();
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(fake.requests[0]!.path).not.toContain(KEY);
    expect(fake.requests[0]!.headers['x-goog-api-key']).toBe(KEY);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(streamedText(chunks)).toBe('Bonjour à tous, ça va ?');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 },
    });
  });

  it('tools round trip: a function call comes back as tool_calls, and its result goes up as a functionResponse', async () => {
    fake.queue(
      {
        type: 'text',
        text: '',
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
        finishReason: 'tool_calls',
      },
      { type: 'text', text: 'It is 21°C in Paris.' },
    );
    const first = await adapter.chat(ask('Weather in Paris?', { tools: TOOLS, tool_choice: 'auto' }), ctx());
    expect(schemaErrors.completion(first)).toEqual([]);
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(call).toEqual({
      id: 'call_0',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(fake.requests[0]!.body.tools[0].functionDeclarations[0]).toEqual({
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
    });
    expect(fake.requests[0]!.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });

    const followUp: ChatRequest = {
      model: 'gemini-2.5-flash',
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' },
      ],
    };
    const second = await adapter.chat(followUp, ctx());
    expect(second.choices[0]!.message.content).toBe('It is 21°C in Paris.');
    expect(fake.requests[1]!.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] },
    ]);
  });

  it('streams tool calls as complete deltas', async () => {
    fake.queue({
      type: 'text',
      text: 'Checking.',
      toolCalls: [
        { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { id: 'fc-2', name: 'get_weather', arguments: '{"city":"Rome"}' },
      ],
    });
    const { chunks, error } = await collect(adapter.stream(ask('Oslo and Rome?', { tools: TOOLS }), ctx()));
    expect(error).toBeUndefined();
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls.map((c) => [c.index, c.id, c.function?.arguments])).toEqual([
      [0, 'call_0', '{"city":"Oslo"}'],
      [1, 'fc-2', '{"city":"Rome"}'],
    ]);
    expect(streamedText(chunks)).toBe('Checking.');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('listModels: GETs /models with the header key and strips the models/ prefix, across pages', async () => {
    const saved = fake.models;
    fake.models = [...Array.from({ length: 1100 }, (_, i) => `gemini-test-${i}`), 'text-embedding-004'];
    try {
      const ids = await adapter.listModels({
        baseUrl: fake.baseUrl,
        apiKey: KEY,
        signal: new AbortController().signal,
        timeouts: ctx().timeouts,
      });
      expect(ids).toHaveLength(1100);
      expect(ids[0]).toBe('gemini-test-0');
      expect(ids).not.toContain('text-embedding-004'); // cannot generateContent
      expect(fake.requests.map((r) => r.path)).toEqual([
        '/v1beta/models?pageSize=1000',
        '/v1beta/models?pageSize=1000&pageToken=1000',
      ]);
      expect(fake.requests.every((r) => r.headers['x-goog-api-key'] === KEY && !r.path.includes(KEY))).toBe(true);
    } finally {
      fake.models = saved;
    }
  });
});

describe('gemini adapter: failures', () => {
  it('429 with a RetryInfo body → rate_limit with retryAfterMs from retryDelay', async () => {
    fake.queue(geminiRateLimitReply({ retryDelay: '1.5s' }));
    await expect(adapter.chat(ask('hi'), ctx())).rejects.toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 1_500,
      upstreamCode: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
    });
  });

  it('429 with the recorded body on a stream → rate_limit, and a daily quota stays visible', async () => {
    fake.queue({ type: 'error', status: 429, rawBody: fixtureJson('vercel-ai_google-429-retry-info.json') });
    await expect(collect(adapter.stream(ask('hi'), ctx())).then((r) => r.error)).resolves.toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 34_400,
    });
    fake.queue(
      geminiRateLimitReply({ retryDelay: '30s', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }),
    );
    await expect(adapter.chat(ask('hi'), ctx())).rejects.toMatchObject({
      retryAfterMs: 30_000,
      upstreamCode: expect.stringContaining('PerDay'),
    });
  });

  it('429 without RetryInfo → the Retry-After header gives the delay', async () => {
    fake.queue({ type: 'error', status: 429, message: 'Resource has been exhausted', headers: { 'retry-after': '3' } });
    await expect(adapter.chat(ask('hi'), ctx())).rejects.toMatchObject({ kind: 'rate_limit', retryAfterMs: 3_000 });
  });

  it('403 → auth, and the key is nowhere in the error', async () => {
    fake.queue({ type: 'error', status: 403, message: 'Permission denied: Consumer has been suspended.' });
    const error = await adapter.chat(ask('hi'), ctx()).catch((err: unknown) => err);
    expect(error).toMatchObject({ kind: 'auth', status: 403, upstreamCode: 'PERMISSION_DENIED' });
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(KEY);
  });

  it('500 → server', async () => {
    fake.queue({ type: 'error', status: 500, message: 'An internal error has occurred.' });
    await expect(adapter.chat(ask('hi'), ctx())).rejects.toMatchObject({
      kind: 'server',
      status: 500,
    });
  });

  it('a hanging upstream → timeout after firstByteMs', async () => {
    fake.queue({ type: 'hang' });
    await expect(
      adapter.chat(ask('hi'), ctx({ timeouts: { connectMs: 1_000, firstByteMs: 200, idleMs: 1_000 } })),
    ).rejects.toMatchObject({ kind: 'timeout', status: 0 });
  });

  it('a stream that goes silent → timeout after idleMs', async () => {
    fake.queue({ type: 'text', text: 'one two three', failAfterEvents: { count: 1, how: 'stall' } });
    const { chunks, error } = await collect(
      adapter.stream(ask('hi'), ctx({ timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 200 } })),
    );
    expect(streamedText(chunks)).toBe('one ');
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('a broken stream → network, after the deltas that arrived', async () => {
    fake.queue({ type: 'text', text: 'one two three', failAfterEvents: { count: 1, how: 'break' } });
    const { chunks, error } = await collect(adapter.stream(ask('hi'), ctx()));
    // The fake destroys its socket right after writing, so the first event may or may not have left it.
    expect(['', 'one ']).toContain(streamedText(chunks));
    expect(error).toMatchObject({ kind: 'network', status: 0 });
  });

  it('aborting ctx.signal mid-stream rejects with an AbortError and the upstream sees the request cut', async () => {
    fake.queue({ type: 'text', text: 'a b c d e f g h', chunkDelayMs: 100 });
    const controller = new AbortController();
    const seen: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of adapter.stream(ask('hi'), ctx({ signal: controller.signal }))) {
        seen.push(chunk);
        if (chunk.choices[0]?.delta.content === 'a ') controller.abort();
      }
    })().catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(streamedText(seen)).toBe('a ');
    for (let i = 0; i < 50 && !fake.requests[0]!.aborted; i++) await sleep(20);
    expect(fake.requests[0]!.aborted).toBe(true);
  });
});
