// End to end: the official Anthropic SDK against POST /v1/messages, in front of fake upstreams of the other protocols
// (alpha speaks OpenAI, beta Anthropic, gamma Gemini): bodies and stream events as the SDK types them, system, images,
// tools and a tool_use → tool_result round trip, stop sequences, count_tokens, fallback before and during a stream.
import Anthropic from '@anthropic-ai/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT } from '../fakes/fake-upstream.js';
import { expectEvent, expectMessage } from '../helpers/anthropic-shapes.js';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();
const client = () => new Anthropic({ baseURL: fx.gw.url, apiKey: 'sk-ant-test', maxRetries: 0, timeout: 15_000 });
const ALPHA = 'alpha/alpha-chat';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

beforeAll(() => {
  // alpha's model sees images (the fakes are made before this hook, the gateways after it).
  fx.fakes.providers[0]!.models![0]!.capabilities!.push('vision');
});

/** The OpenAI body alpha received last. */
const sentToAlpha = () => fx.fakes.alpha.requests.at(-1)!.body as Record<string, any>;

describe('POST /v1/messages with @anthropic-ai/sdk', () => {
  it('answers a system prompt and a user turn with a Message as the SDK types it, with its request id', async () => {
    const { data, response } = await client()
      .messages.create({
        model: ALPHA,
        max_tokens: 100,
        system: [
          { type: 'text', text: 'Be brief.' },
          { type: 'text', text: 'Be kind.' },
        ],
        messages: [{ role: 'user', content: 'Hello?' }],
        metadata: { user_id: 'u-1' },
        thinking: { type: 'enabled', budget_tokens: 1024 },
        // Older clients (LangChain's) send these; this SDK's types no longer list them.
        ...{ temperature: 0.2, top_k: 5 },
      })
      .withResponse();
    expectMessage(data);
    expect(data.content).toEqual([{ type: 'text', text: DEFAULT_TEXT, citations: null }]);
    expect(data).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', stop_sequence: null });
    expect(data.id).toMatch(/^msg_/);
    expect(data.model).toBe(ALPHA);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-switchboard-model')).toBe(ALPHA);
    const sent = sentToAlpha();
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.\n\nBe kind.' },
      { role: 'user', content: 'Hello?' },
    ]);
    expect(sent).toMatchObject({ max_tokens: 100, temperature: 0.2 });
    expect(sent).not.toHaveProperty('top_k');
  });

  it('sends images given as base64 and as a URL', async () => {
    await client().messages.create({
      model: ALPHA,
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What are these?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(sentToAlpha().messages[0].content).toEqual([
      { type: 'text', text: 'What are these?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('runs a tool_use → tool_result round trip', async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: 'Let me look.',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client().messages.create({
      model: ALPHA,
      max_tokens: 100,
      tools: [weather],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [ask],
    });
    expectMessage(first);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me look.', citations: null },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    ]);
    expect(sentToAlpha()).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.input_schema } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });

    fx.fakes.alpha.queue({ type: 'text', text: 'It is sunny in Paris.' });
    const second = await client().messages.create({
      model: ALPHA,
      max_tokens: 100,
      tools: [weather],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [
        ask,
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, ...first.content] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'sunny, 24 C' }] },
            { type: 'text', text: 'Thanks!' },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is sunny in Paris.', citations: null }]);
    const sent = sentToAlpha();
    expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(sent.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 24 C' },
      { role: 'user', content: 'Thanks!' },
    ]);
  });

  it('marks a tool result that is an error, given as a string', async () => {
    await client().messages.create({
      model: ALPHA,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: 'no such city', is_error: true }],
        },
      ],
    });
    expect(sentToAlpha().messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 't1', content: 'Error: no such city' });
  });

  it('maps the finish reasons: length to max_tokens, a stop sequence to stop_sequence with the text cut before it', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: 'one two three', finishReason: 'length' });
    const long = await client().messages.create({
      model: ALPHA,
      max_tokens: 3,
      messages: [{ role: 'user', content: 'Count' }],
    });
    expect(long.stop_reason).toBe('max_tokens');

    fx.fakes.alpha.queue({ type: 'text', text: 'one two END three' });
    const cut = await client().messages.create({
      model: ALPHA,
      max_tokens: 30,
      stop_sequences: ['END', 'a', 'b', 'c', 'd'],
      messages: [{ role: 'user', content: 'Count' }],
    });
    expect(cut).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    expect(cut.content).toEqual([{ type: 'text', text: 'one two ', citations: null }]);
    // OpenAI-style upstreams take 4 stop sequences; the door watches for the rest.
    expect(sentToAlpha().stop).toEqual(['END', 'a', 'b', 'c']);
  });

  it('streams with messages.stream: events as the SDK types them, and its finalMessage', async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: 'Checking.',
      toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Lyon","units":"metric"}' }],
    });
    const stream = client().messages.stream({
      model: ALPHA,
      max_tokens: 100,
      tools: [weather],
      messages: [{ role: 'user', content: 'Weather in Lyon?' }],
    });
    const events: Array<{ type: string } & Record<string, unknown>> = [];
    stream.on('streamEvent', (event) => void events.push(event as never));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: 'text', text: 'Checking.', citations: null },
      expect.objectContaining({
        type: 'tool_use',
        id: 'call_9',
        name: 'get_weather',
        input: { city: 'Lyon', units: 'metric' },
      }),
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    for (const event of events) expectEvent(event);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const jsonDeltas = events.filter((e) => (e['delta'] as { type?: string } | undefined)?.type === 'input_json_delta');
    // The arguments came in pieces, and went out as pieces.
    expect(jsonDeltas.length).toBeGreaterThan(1);
    expect(jsonDeltas.map((e) => (e['delta'] as { partial_json: string }).partial_json).join('')).toBe(
      '{"city":"Lyon","units":"metric"}',
    );
    expect(sentToAlpha()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('cuts a stream at a stop sequence split across chunks', async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: 'alpha beta STOP gamma',
      chunks: ['alpha be', 'ta ST', 'OP gam', 'ma'],
    });
    const final = await client()
      .messages.stream({
        model: ALPHA,
        max_tokens: 30,
        stop_sequences: ['STOP'],
        messages: [{ role: 'user', content: 'Go' }],
      })
      .finalMessage();
    expect(final).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    expect(final.content).toEqual([{ type: 'text', text: 'alpha beta ', citations: null }]);
  });

  it('counts tokens: more text, more tokens', async () => {
    const count = (text: string) =>
      client().messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: text }] });
    const short = await count('Hello there.');
    const long = await count('Hello there. '.repeat(50));
    expect(short).toEqual({ input_tokens: expect.any(Number) });
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens * 10);
  });
});

describe('fallback on /v1/messages', () => {
  it('answers with the next model when the first fails before answering', async () => {
    fx.fakes.alpha.queue({ type: 'error', status: 500, message: 'boom' });
    fx.fakes.beta.queue({ type: 'text', text: 'Beta here.' });
    const { data, response } = await client()
      .messages.create({
        model: ALPHA,
        models: ['beta/beta-chat'],
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Hi' }],
      } as Anthropic.MessageCreateParamsNonStreaming)
      .withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Beta here.', citations: null }]);
    expect(response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('finishes a stream broken mid-way on the next model, with no gap', async () => {
    const words = ['The quick ', 'brown fox ', 'jumps over ', 'the lazy ', 'dog.'];
    fx.fakes.alpha.queue({
      type: 'text',
      text: words.join(''),
      chunks: words,
      failAfterEvents: { count: 3, how: 'break' },
    });
    fx.fakes.beta.queue({ type: 'text', text: 'jumps over the lazy dog.' });
    const final = await client()
      .messages.stream({
        model: ALPHA,
        models: ['beta/beta-chat'],
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Say the pangram.' }],
      } as Anthropic.MessageStreamParams)
      .finalMessage();
    expect(final.content).toEqual([
      { type: 'text', text: 'The quick brown fox jumps over the lazy dog.', citations: null },
    ]);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('ends a stream that breaks with nothing to continue it with an error event the SDK raises', async () => {
    const words = ['The quick ', 'brown fox ', 'jumps over ', 'the lazy ', 'dog.'];
    fx.fakes.alpha.setFallback({
      type: 'text',
      text: words.join(''),
      chunks: words,
      failAfterEvents: { count: 3, how: 'break' },
    });
    const stream = client().messages.stream({
      model: ALPHA,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Go' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => void texts.push(text));
    const err = await stream.finalMessage().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('mid-stream') },
    });
    expect(texts.join('')).toContain('The quick');
  });
});
