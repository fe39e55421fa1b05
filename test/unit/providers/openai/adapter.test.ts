// The openai adapter against a real fake upstream on 127.0.0.1: requests sent, answers read, every failure typed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { createHttpClient, type HttpClient, type Timeouts, withJsonHeaders } from '../../../../src/providers/http.js';
import { createOpenAIAdapter } from '../../../../src/providers/openai/adapter.js';
import type {
  CallContext,
  ChatCompletionChunk,
  ChatRequest,
  ProviderAdapter,
} from '../../../../src/providers/types.js';
import { sleep, type FakeUpstream } from '../../../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../../../fakes/openai-wire.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const TIMEOUTS: Timeouts = { connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000 };
const hello: ChatRequest = {
  model: 'groq/llama-3.3-70b',
  messages: [{ role: 'user', content: 'Say hello' }],
  temperature: 0.5,
};

let http: HttpClient;
let upstream: FakeUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  http = createHttpClient();
  upstream = await startOpenAIUpstream();
  adapter = createOpenAIAdapter({ http });
});
afterAll(async () => {
  await upstream.close();
  await http.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

function ctx(overrides: Partial<CallContext> = {}): CallContext {
  return {
    baseUrl: upstream.baseUrl,
    apiKey: 'sk-test-123',
    model: 'llama-3.3-70b',
    signal: new AbortController().signal,
    timeouts: TIMEOUTS,
    ...overrides,
  };
}

async function collect(iterable: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of iterable) out.push(chunk);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

const textOf = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('openai adapter: requests and answers', () => {
  it('chat posts the upstream model, the standard fields and the Bearer key, and returns a valid completion', async () => {
    upstream.queue({ type: 'text', text: 'Hello there, friend.', usage: { prompt: 9, completion: 4 } });
    const completion = await adapter.chat(hello, ctx({ headers: { 'HTTP-Referer': 'https://switchboard.test' } }));
    expect(completion.choices[0]!.message.content).toBe('Hello there, friend.');
    expect(completion.model).toBe('llama-3.3-70b');
    expect(completion.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(schemaErrors.completion(completion)).toEqual([]);
    const [sent] = upstream.requests;
    expect([sent!.method, sent!.path]).toEqual(['POST', '/v1/chat/completions']);
    expect(sent!.headers['authorization']).toBe('Bearer sk-test-123');
    expect(sent!.headers['http-referer']).toBe('https://switchboard.test');
    expect(sent!.body).toEqual({ model: 'llama-3.3-70b', messages: hello.messages, temperature: 0.5 });
  });

  it('sends no Authorization header when the key is empty (a local server)', async () => {
    await adapter.chat(hello, ctx({ apiKey: '', headers: { Authorization: 'Bearer from-config' } }));
    expect(upstream.requests[0]!.headers['authorization']).toBe('Bearer from-config');
    await adapter.chat(hello, ctx({ apiKey: '' }));
    expect(upstream.requests[1]!.headers['authorization']).toBeUndefined();
  });

  it('stream asks for the usage chunk and yields valid chunks ending with usage', async () => {
    upstream.queue({ type: 'text', text: 'One two three', usage: { prompt: 5, completion: 3 } });
    const chunks = await collect(adapter.stream(hello, ctx()));
    expect(upstream.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(upstream.requests[0]!.headers['accept']).toBe('text/event-stream');
    expect(textOf(chunks)).toBe('One two three');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    for (const chunk of chunks) {
      expect(schemaErrors.chunk(chunk)).toEqual([]);
      expect('obfuscation' in chunk).toBe(false);
    }
  });

  it('round-trips tool calls: assistant tool_calls and tool results reach upstream, calls come back whole', async () => {
    const call = { id: 'call_w1', name: 'weather', arguments: '{"city":"Paris","unit":"celsius"}' };
    upstream.queue({ type: 'text', text: '', toolCalls: [call] }, { type: 'text', text: '', toolCalls: [call] });
    const tools: ChatRequest['tools'] = [
      { type: 'function', function: { name: 'weather', parameters: { type: 'object' } } },
    ];
    const done = await adapter.chat({ ...hello, tools }, ctx());
    expect(done.choices[0]!.finish_reason).toBe('tool_calls');
    expect(done.choices[0]!.message).toMatchObject({
      content: null,
      tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'weather', arguments: call.arguments } }],
    });

    const chunks = await collect(adapter.stream({ ...hello, tools }, ctx()));
    const args = chunks
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? '')
      .join('');
    expect(args).toBe(call.arguments);

    const followUp: ChatRequest = {
      ...hello,
      tools,
      messages: [
        ...hello.messages,
        done.choices[0]!.message,
        { role: 'tool', tool_call_id: 'call_w1', content: '{"temp":21}' },
      ],
    };
    await adapter.chat(followUp, ctx());
    expect(upstream.requests[2]!.body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'weather', arguments: call.arguments } }],
      },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"temp":21}' },
    ]);
    expect(upstream.requests[2]!.body.tools).toEqual(tools);
  });

  it('listModels reads data[].id from GET /models', async () => {
    upstream.models = ['llama-3.3-70b', 'qwen-qwq-32b'];
    const { model: _m, ...listCtx } = ctx();
    expect(await adapter.listModels(listCtx)).toEqual(['llama-3.3-70b', 'qwen-qwq-32b']);
    expect([upstream.requests[0]!.method, upstream.requests[0]!.path]).toEqual(['GET', '/v1/models']);
    expect(upstream.requests[0]!.headers['authorization']).toBe('Bearer sk-test-123');
  });
});

describe('openai adapter: failures', () => {
  it('429 with Retry-After: 7 → rate_limit, retryAfterMs 7000', async () => {
    upstream.queue({
      type: 'error',
      status: 429,
      message: 'Rate limit reached for requests',
      headers: { 'retry-after': '7' },
    });
    const err = await rejection(adapter.chat(hello, ctx()));
    expect([err.kind, err.retryAfterMs, err.status]).toEqual(['rate_limit', 7000, 429]);
    expect(err.message).toBe('Rate limit reached for requests');
  });

  it.each([
    [401, 'Incorrect API key provided', 'auth'],
    [500, 'The server had an error', 'server'],
    [400, "This model's maximum context length is 8192 tokens", 'context_length'],
  ] as const)('%i "%s" → %s, for chat and stream alike', async (status, message, kind) => {
    upstream.queue({ type: 'error', status, message }, { type: 'error', status, message });
    expect((await rejection(adapter.chat(hello, ctx()))).kind).toBe(kind);
    expect((await rejection(collect(adapter.stream(hello, ctx())))).kind).toBe(kind);
  });

  it('the recorded unsupported-parameter error with status 400 → bad_request, message preserved', async () => {
    const rawBody = JSON.parse(
      readFileSync(
        new URL('../../../fixtures/wire/openai/vercel-ai_error_unsupported_parameter.json', import.meta.url),
        'utf8',
      ),
    );
    upstream.queue({ type: 'error', status: 400, rawBody });
    const err = await rejection(adapter.chat(hello, ctx()));
    expect([err.kind, err.upstreamCode]).toEqual(['bad_request', 'unsupported_parameter']);
    expect(err.message).toBe(rawBody.error.message);
  });

  it('an upstream that never answers → timeout after firstByteMs', async () => {
    upstream.queue({ type: 'hang' });
    const err = await rejection(adapter.chat(hello, ctx({ timeouts: { ...TIMEOUTS, firstByteMs: 200 } })));
    expect(err.kind).toBe('timeout');
  });

  it('a stream whose socket breaks mid-way → network error, after the chunks that did arrive', async () => {
    upstream.queue({
      type: 'text',
      text: 'one two three four five',
      chunkDelayMs: 20,
      failAfterEvents: { count: 2, how: 'break' },
    });
    const seen: ChatCompletionChunk[] = [];
    const err = await rejection(
      (async () => {
        for await (const chunk of adapter.stream(hello, ctx())) seen.push(chunk);
      })(),
    );
    expect(err.kind).toBe('network');
    expect(textOf(seen)).toBe('one ');
  });

  it('a stream that stalls → timeout after idleMs', async () => {
    upstream.queue({ type: 'text', text: 'one two three four five', failAfterEvents: { count: 2, how: 'stall' } });
    const err = await rejection(collect(adapter.stream(hello, ctx({ timeouts: { ...TIMEOUTS, idleMs: 200 } }))));
    expect(err.kind).toBe('timeout');
  });

  it('aborting ctx.signal mid-stream rejects with an AbortError and closes the upstream request', async () => {
    upstream.queue({ type: 'text', text: 'a b c d e f g h i j k l m n o p', chunkDelayMs: 50 });
    const controller = new AbortController();
    const iterator = adapter.stream(hello, ctx({ signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    controller.abort();
    const err = await iterator.next().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('AbortError');
    for (let i = 0; i < 50 && !upstream.requests[0]!.aborted; i++) await sleep(20);
    expect(upstream.requests[0]!.aborted).toBe(true);
  });

  it('a 200 body that is an error object, or not JSON, is a ProviderError too', async () => {
    upstream.queue({
      type: 'error',
      status: 200,
      rawBody: { error: { code: 502, message: 'Provider returned error' } },
    });
    expect((await rejection(adapter.chat(hello, ctx()))).kind).toBe('server');
    upstream.queue({ type: 'error', status: 200, rawBody: 'not json at all' });
    expect((await rejection(adapter.chat(hello, ctx()))).kind).toBe('server');
  });

  it('a stream request answered with one JSON body is replayed as chunks, or thrown when it is an error', async () => {
    const rawBody = JSON.parse(
      readFileSync(
        new URL('../../../fixtures/wire/openai/openai-python_chat_completion_text.json', import.meta.url),
        'utf8',
      ),
    );
    upstream.queue(
      { type: 'error', status: 200, rawBody },
      { type: 'error', status: 200, rawBody: { error: { message: 'quota', code: 'insufficient_quota' } } },
    );
    const chunks = await collect(adapter.stream(hello, ctx()));
    expect(textOf(chunks)).toBe(rawBody.choices[0].message.content);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 14, completion_tokens: 37, total_tokens: 51 });
    expect((await rejection(collect(adapter.stream(hello, ctx())))).kind).toBe('rate_limit');
  });
});

describe('the headers of a chat call, made once per catalog headers, key and accept', () => {
  /** What the adapter and the HTTP client composed per call before the headers were made once. */
  const composedPerCall = (catalog: Record<string, string> | undefined, apiKey: string, stream: boolean) => {
    const own: Record<string, string> = {};
    for (const [name, value] of Object.entries(catalog ?? {})) {
      if (apiKey !== '' && name.toLowerCase() === 'authorization') continue;
      own[name] = value;
    }
    if (apiKey !== '') own['authorization'] = `Bearer ${apiKey}`;
    const adapterHeaders = { ...own, ...(stream ? { accept: 'text/event-stream' } : {}) };
    const sent: Record<string, string> = { accept: 'application/json', ...adapterHeaders };
    sent['content-type'] = 'application/json';
    return sent;
  };
  const CATALOGS: Array<Record<string, string> | undefined> = [
    undefined,
    {},
    { 'HTTP-Referer': 'https://example.test', 'X-Title': 'sb' },
    { accept: 'application/x-ndjson' },
    { Accept: 'text/plain', Authorization: 'Basic abc' },
    { authorization: 'Bearer catalog', 'content-type': 'text/plain' },
  ];

  it('are the ones composed per call, in the same order, on every call', async () => {
    const seen: Array<Readonly<Record<string, string>>> = [];
    const capture: HttpClient = {
      request: async (req) => {
        seen.push(withJsonHeaders(req.headers, req.json !== undefined));
        throw new ProviderError('captured', { kind: 'network', status: 0 });
      },
      close: async () => {},
    };
    const captured = createOpenAIAdapter({ http: capture });
    for (const catalog of CATALOGS)
      for (const apiKey of ['', 'sk-one', 'sk-two'])
        for (const stream of [false, true])
          for (let call = 0; call < 2; call++) {
            const context = ctx({ apiKey, ...(catalog === undefined ? {} : { headers: catalog }) });
            if (stream) await drain(captured.stream(hello, context)).catch(() => undefined);
            else await captured.chat(hello, context).catch(() => undefined);
            expect(Object.entries(seen.at(-1)!), JSON.stringify({ catalog, apiKey, stream })).toEqual(
              Object.entries(composedPerCall(catalog, apiKey, stream)),
            );
          }
  });
});

async function drain(chunks: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of chunks);
}
