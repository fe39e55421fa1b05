// The fake upstream's OpenAI wire renders what OpenAI's schema and recorded streams say, so end-to-end tests can trust
// it.
import { describe, expect, it } from 'vitest';
import type { RecordedRequest, TextReply } from '../../../fakes/fake-upstream.js';
import { ARGUMENT_PIECE, openaiWire } from '../../../fakes/openai-wire.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

function request(body: Record<string, unknown>, method = 'POST', path = '/v1/chat/completions'): RecordedRequest {
  return {
    method,
    path,
    headers: {},
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi there' }], ...body },
    aborted: false,
  };
}

function parse(events: string[]): { chunks: any[]; done: boolean } {
  for (const event of events) expect(event).toMatch(/^data: .*\n\n$/s);
  const data = events.map((e) => e.slice(6, -2));
  return { chunks: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)), done: data.at(-1) === '[DONE]' };
}

const toolReply: TextReply = {
  type: 'text',
  text: '',
  toolCalls: [
    { name: 'weather', arguments: '{"city":"Paris","days":3}' },
    { id: 'call_b', name: 'time', arguments: '{}' },
  ],
};

describe('openaiWire', () => {
  it('renders a valid chat.completion, with null content for a tool-only answer and usage adding up', () => {
    const text = openaiWire.complete(
      { type: 'text', text: 'Hello world', usage: { prompt: 4, completion: 2 } },
      request({}),
    ) as any;
    expect(schemaErrors.completion(text)).toEqual([]);
    expect(text.choices[0]).toMatchObject({
      message: { content: 'Hello world', refusal: null },
      finish_reason: 'stop',
    });
    expect(text.model).toBe('gpt-4o-mini');
    expect(text.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });

    const tools = openaiWire.complete(toolReply, request({})) as any;
    expect(schemaErrors.completion(tools)).toEqual([]);
    expect(tools.choices[0].finish_reason).toBe('tool_calls');
    expect(tools.choices[0].message.content).toBeNull();
    expect(tools.choices[0].message.tool_calls.map((c: any) => [c.id, c.function.name])).toEqual([
      ['call_fake0', 'weather'],
      ['call_b', 'time'],
    ]);
  });

  it('streams role, text pieces, finish, usage (when asked) and [DONE], every chunk valid', () => {
    const reply: TextReply = { type: 'text', text: 'One two three', finishReason: 'length' };
    const withUsage = parse(
      openaiWire.streamEvents(reply, request({ stream: true, stream_options: { include_usage: true } })),
    );
    expect(withUsage.done).toBe(true);
    for (const chunk of withUsage.chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    expect(withUsage.chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(withUsage.chunks.slice(1, 4).map((c) => c.choices[0].delta.content)).toEqual(['One ', 'two ', 'three']);
    expect(withUsage.chunks[4].choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    expect(withUsage.chunks[5]).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
    expect(withUsage.chunks.slice(0, 5).every((c) => c.usage === null && typeof c.obfuscation === 'string')).toBe(true);
    expect(new Set(withUsage.chunks.map((c) => c.id)).size).toBe(1);

    const without = parse(
      openaiWire.streamEvents(reply, request({ stream: true, stream_options: { include_obfuscation: false } })),
    );
    expect(without.chunks).toHaveLength(5);
    expect(without.chunks.some((c) => 'usage' in c || 'obfuscation' in c)).toBe(false);
  });

  it('streams each tool call as a start delta then argument pieces, under its own index', () => {
    const { chunks } = parse(openaiWire.streamEvents(toolReply, request({ stream: true })));
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    expect(chunks[0].choices[0].delta.content).toBeNull();
    const deltas = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    expect(deltas[0]).toEqual({
      index: 0,
      id: 'call_fake0',
      type: 'function',
      function: { name: 'weather', arguments: '' },
    });
    const first = deltas.filter((d) => d.index === 0).map((d) => d.function.arguments);
    expect(first.join('')).toBe('{"city":"Paris","days":3}');
    expect(Math.max(...first.map((a) => a.length))).toBe(ARGUMENT_PIECE);
    expect(deltas.filter((d) => d.index === 1 && d.id === 'call_b')).toHaveLength(1);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it("renders OpenAI's error bodies with the type and code each status gets", () => {
    const cases = [
      [429, 'Rate limit reached', 'rate_limit_exceeded'],
      [401, 'Incorrect API key provided', 'invalid_api_key'],
      [400, "This model's maximum context length is 8192 tokens", 'context_length_exceeded'],
      [500, 'The server had an error', null],
    ] as const;
    for (const [status, message, code] of cases) {
      const body = openaiWire.errorBody(status, message) as any;
      expect(schemaErrors.error(body)).toEqual([]);
      expect([body.error.message, body.error.code]).toEqual([message, code]);
    }
  });

  it('answers GET /v1/models with a valid list, and nothing else', () => {
    const list = openaiWire.modelList(request({}, 'GET', '/v1/models'), ['a', 'b']) as any;
    expect(schemaErrors.models(list)).toEqual([]);
    expect(list.data.map((m: any) => m.id)).toEqual(['a', 'b']);
    expect(openaiWire.modelList(request({}), ['a'])).toBeUndefined();
    expect(openaiWire.isStream(request({ stream: true }))).toBe(true);
    expect(openaiWire.isStream(request({}))).toBe(false);
  });
});
