// Unit: Responses input → conversation items → chat messages, and the chat request built from a Responses body.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { parseResponsesBody } from '../../../../src/server/responses/body.js';
import { normalizeInput } from '../../../../src/server/responses/input-items.js';
import { itemsToMessages, toParsedChat } from '../../../../src/server/responses/to-chat.js';
import type { ConversationItem } from '../../../../src/server/responses/types.js';

const none = async () => undefined;

/** The chat request for a body, as the route builds it (no stored conversation). */
async function chatOf(body: Record<string, unknown>) {
  const { body: parsed, tools, toolChoice } = parseResponsesBody({ model: 'auto', ...body });
  const conversation = await normalizeInput(parsed.input, none);
  return toParsedChat({ body: parsed, tools, toolChoice, conversation }, 'balanced');
}

describe('normalizeInput', () => {
  it('turns a string into one user message and checks each item', async () => {
    expect(await normalizeInput('hi', none)).toEqual([{ type: 'message', role: 'user', content: 'hi' }]);
    const items = await normalizeInput(
      [
        { role: 'user', content: [{ type: 'input_text', text: 'a' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}', id: 'fc_x', status: 'completed' },
        { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'o' }] },
      ],
      none,
    );
    expect(items).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'a' }] },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'o' },
    ]);
  });

  it('resolves item references, and names the reference it cannot find (404)', async () => {
    const found: ConversationItem = { type: 'message', role: 'assistant', content: 'x' };
    const resolve = async (id: string) => (id === 'msg_1' ? found : undefined);
    expect(await normalizeInput([{ type: 'item_reference', id: 'msg_1' }], resolve)).toEqual([found]);
    const missing = await normalizeInput(
      [
        { role: 'user', content: 'a' },
        { type: 'item_reference', id: 'x' },
      ],
      resolve,
    )
      .then(() => undefined)
      .catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(GatewayError);
    expect(missing).toMatchObject({ status: 404, param: 'input[1].id' });
  });

  it.each([
    [{ type: 'reasoning', summary: [] }, 'input[0]'],
    [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }, 'input[0].content[0].image_url'],
    [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'http://x' }] }, 'input[0].content[0].type'],
    [{ type: 'function_call_output', call_id: 'c', output: 3 }, 'input[0].output'],
    [{ role: 'tool', content: 'x' }, 'input[0].role'],
  ])('refuses %j naming %s', async (item, param) => {
    await expect(normalizeInput([item], none)).rejects.toMatchObject({ status: 400, param });
  });
});

describe('itemsToMessages', () => {
  it('joins function calls to the assistant turn before them and keeps images as parts', () => {
    const messages = itemsToMessages([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'look' },
          { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'low' },
        ],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Calling.' }] },
      { type: 'function_call', call_id: 'a', name: 'f', arguments: '{}' },
      { type: 'function_call', call_id: 'b', name: 'g', arguments: '{"x":1}' },
      { type: 'function_call_output', call_id: 'a', output: '1' },
      { type: 'function_call_output', call_id: 'b', output: '2' },
      { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
    ]);
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AA', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Calling.',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
          { id: 'b', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: '1' },
      { role: 'tool', tool_call_id: 'b', content: '2' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ]);
  });
});

describe('toParsedChat', () => {
  it('maps instructions, tools, tool_choice, text.format, limits and streaming to the chat request', async () => {
    const parsed = await chatOf({
      instructions: 'Be brief.',
      input: 'hi',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true, description: 'd' }],
      tool_choice: { type: 'function', name: 'f' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } },
      max_output_tokens: 50,
      temperature: 0.5,
      top_p: 0.9,
      parallel_tool_calls: false,
      stream: true,
      provider: 'beta',
      model_quality: 'fastest',
    });
    expect(parsed.request).toEqual({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      tools: [
        { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      temperature: 0.5,
      top_p: 0.9,
      max_tokens: 50,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: null } },
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed.stream).toBe(true);
    expect(parsed.route).toMatchObject({ provider: 'beta', mode: 'fastest', modeExplicit: true, maxTokens: 50 });
  });

  it('keeps the tools allowed_tools lists, with its mode as the tool choice', async () => {
    const fn = (name: string) => ({ type: 'function', name, parameters: null, strict: null });
    const parsed = await chatOf({
      input: 'hi',
      tools: [fn('a'), fn('b'), fn('c')],
      tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'c' }] },
    });
    expect(parsed.request.tools?.map((t) => t.function.name)).toEqual(['c']);
    expect(parsed.request.tool_choice).toBe('auto');
  });
});
