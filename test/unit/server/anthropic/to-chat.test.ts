// Anthropic request bodies → the chat request every door runs: messages, blocks, tools, tool_choice, fields dropped,
// and 400s that name the bad field Anthropic's way.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { MessagesSchema } from '../../../../src/server/anthropic/schema.js';
import { parseAnthropicBody, toParsedChat } from '../../../../src/server/anthropic/to-chat.js';

const parse = (body: Record<string, unknown>) =>
  toParsedChat(parseAnthropicBody(MessagesSchema, { model: 'm', max_tokens: 10, ...body }), 'balanced');

/** The 400 message a body gets (fails when it parses). */
function refusal(body: unknown): string {
  try {
    parseAnthropicBody(MessagesSchema, body);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(400);
    return (err as GatewayError).message;
  }
  throw new Error('expected a 400');
}

describe('toParsedChat', () => {
  it('turns a user turn of tool results, images and text into tool messages then one user turn', () => {
    const { request } = parse({
      system: 'sys',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: [
            { type: 'redacted_thinking', data: 'x' },
            { type: 'tool_use', id: 't1', name: 'shot', input: { page: 1 } },
            { type: 'tool_use', id: 't2', name: 'shot', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: 'page one' },
                { type: 'image', source: { type: 'url', url: 'https://x/1.png' } },
              ],
            },
            { type: 'tool_result', tool_use_id: 't2' },
            { type: 'text', text: 'and?', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 't1', type: 'function', function: { name: 'shot', arguments: '{"page":1}' } },
          { id: 't2', type: 'function', function: { name: 'shot', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 't1', content: 'page one' },
      { role: 'tool', tool_call_id: 't2', content: '' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://x/1.png' } },
          { type: 'text', text: 'and?' },
        ],
      },
    ]);
  });

  it('drops an assistant turn that only thought', () => {
    const { request } = parse({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }] },
        { role: 'user', content: 'b' },
      ],
    });
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'user']);
  });

  it('maps tool_choice auto and none, disable_parallel_tool_use, and the JSON output format', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const messages = [{ role: 'user', content: 'x' }];
    expect(
      parse({ tools, messages, tool_choice: { type: 'auto', disable_parallel_tool_use: true } }).request,
    ).toMatchObject({
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });
    expect(parse({ tools, messages, tool_choice: { type: 'none' } }).request.tool_choice).toBe('none');
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      parse({ messages, output_config: { format: { type: 'json_schema', schema } } }).request.response_format,
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema },
    });
  });

  it("forwards Switchboard's routing fields and nothing Anthropic-only", () => {
    const parsed = parse({
      messages: [{ role: 'user', content: 'x' }],
      model_quality: 'fastest',
      models: ['a/b'],
      top_k: 3,
      metadata: { user_id: 'u' },
      thinking: { type: 'enabled', budget_tokens: 2000 },
      service_tier: 'auto',
      stream: true,
    });
    expect(parsed.route).toMatchObject({ mode: 'fastest', modeExplicit: true, models: ['a/b'], maxTokens: 10 });
    expect(parsed.stream).toBe(true);
    expect(Object.keys(parsed.request).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream', 'stream_options']);
  });
});

describe('parseAnthropicBody', () => {
  const ok = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };

  it('names the missing or bad field', () => {
    expect(refusal({ model: 'm', messages: ok.messages })).toBe('max_tokens: Field required');
    expect(refusal({ ...ok, messages: [{ role: 'system', content: 'x' }] })).toMatch(/^messages\.0\.role: /);
    expect(
      refusal({ ...ok, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] }),
    ).toMatch(/^messages\.0\.content\.0\.source\.type: /);
    expect(refusal({ ...ok, temperature: 1.5 })).toMatch(/^temperature: /);
    expect(refusal([])).toBe('The request body must be a JSON object');
    let input: unknown = {};
    for (let i = 0; i < 100; i++) input = { a: input };
    const deep = { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input }] };
    expect(refusal({ ...ok, messages: [ok.messages[0], deep] })).toMatch(
      /^messages\.1\.content\.0\.input: nested more than 64/,
    );
  });
});
