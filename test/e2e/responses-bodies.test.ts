// End to end: what a POST /v1/responses body may say: Switchboard's own routing fields as in chat, images, allowed
// tools; and what it may not (built-in tools, background runs, reasoning items, files...): a 400 in OpenAI's shape
// whose `param` names the field, before any upstream call.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();
const upstreamCalls = () =>
  fx.fakes.alpha.requests.length + fx.fakes.beta.requests.length + fx.fakes.gamma.requests.length;

const fn = { type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: false };
/** What is wrong, the `param` of the 400, and the change to a good body that makes it so. */
const BAD: Array<[string, string, Record<string, unknown>]> = [
  ['a web_search tool', 'tools[0].type', { tools: [{ type: 'web_search' }] }],
  ['a file_search tool', 'tools[1].type', { tools: [fn, { type: 'file_search', vector_store_ids: ['vs_1'] }] }],
  ['a computer_use tool', 'tools[0].type', { tools: [{ type: 'computer_use_preview', display_width: 1 }] }],
  ['a code_interpreter tool', 'tools[0].type', { tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }],
  ['an image_generation tool', 'tools[0].type', { tools: [{ type: 'image_generation' }] }],
  ['an mcp tool', 'tools[0].type', { tools: [{ type: 'mcp', server_label: 'x', server_url: 'https://x' }] }],
  ['a built-in tool choice', 'tool_choice', { tools: [fn], tool_choice: { type: 'web_search_preview' } }],
  ['a tool choice naming no tool', 'tool_choice', { tools: [fn], tool_choice: { type: 'function', name: 'g' } }],
  ['background: true', 'background', { background: true }],
  ['a conversation', 'conversation', { conversation: 'conv_1' }],
  ['a reasoning item', 'input[0]', { input: [{ type: 'reasoning', id: 'rs_1', summary: [] }] }],
  ['a web_search_call item', 'input[0].type', { input: [{ type: 'web_search_call', id: 'ws_1' }] }],
  [
    'a file part',
    'input[0].content[0].type',
    { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] },
  ],
  ['a message without a role', 'input[0].role', { input: [{ type: 'message', content: 'hi' }] }],
  [
    'a function call without call_id',
    'input[0].call_id',
    { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] },
  ],
  ['no model', 'model', { model: undefined }],
  ['no input', 'input', { input: undefined }],
  ['a temperature of 3', 'temperature', { temperature: 3 }],
  [
    'a schema format without its schema',
    'text.format.schema',
    { text: { format: { type: 'json_schema', name: 's' } } },
  ],
  ['an unknown mode', 'model_quality', { model_quality: 'magic' }],
];

describe('bad bodies', () => {
  it.each(BAD)('%s is a 400 naming %s', async (_label, param, change) => {
    const body = { model: 'auto', input: 'hi', ...change };
    const err = await fx.gw.client.responses.create(body as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const { error } = err as { error: Record<string, unknown> };
    expect(error['param']).toBe(param);
    expect(schemaErrors.error({ error })).toEqual([]);
    expect(upstreamCalls()).toBe(0);
  });
});

describe("Switchboard's fields and the rest of the input", () => {
  it('routes with provider, models and model_quality as chat does', async () => {
    const byProvider = await fx.gw.client.responses.create({ model: 'auto', input: 'hi', provider: 'beta' } as never);
    expect(byProvider.model).toBe('beta/beta-chat');
    const byList = await fx.gw.client.responses.create({
      model: 'auto',
      input: 'hi',
      models: ['gamma/gamma-chat'],
      model_quality: 'fastest',
    } as never);
    expect(byList.model).toBe('gamma/gamma-chat');
    expect(fx.fakes.alpha.requests).toHaveLength(0);
  });

  it('passes a developer message and text parts, and keeps only the allowed tools', async () => {
    await fx.gw.client.responses.create({
      model: 'alpha/alpha-chat',
      input: [
        { role: 'developer', content: 'Describe images.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is ' },
            { type: 'input_text', text: 'this?' },
          ],
        },
      ],
      tools: [
        { ...fn, name: 'keep' },
        { ...fn, name: 'drop' },
      ] as never,
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'keep' }] },
    });
    const sent = fx.fakes.alpha.requests.at(-1)!.body as Record<string, any>;
    expect(sent['messages']).toEqual([
      { role: 'developer', content: 'Describe images.' },
      { role: 'user', content: 'What is this?' },
    ]);
    expect(sent['tools'].map((t: { function: { name: string } }) => t.function.name)).toEqual(['keep']);
    expect(sent['tool_choice']).toBe('required');
  });
});
