// OpenAI chat requests → Anthropic Messages request bodies.
import { describe, expect, it } from 'vitest';
import { imageSource, toAnthropicMessages } from '../../../../src/providers/anthropic/to-wire-messages.js';
import { toAnthropicRequest, toToolChoice } from '../../../../src/providers/anthropic/to-wire.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const conversation: ChatRequest = {
  model: 'anthropic/claude-sonnet-4-5',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather where this photo was taken, and in Paris?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/photo.jpg', detail: 'high' } },
      ],
    },
    {
      role: 'assistant',
      content: 'Checking both.',
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Par' } },
      ],
    },
    { role: 'tool', tool_call_id: 'toolu_1', content: '3°C, snow' },
    { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '18°C, sun' }] },
    { role: 'user', content: 'Thanks. Which is warmer?' },
  ],
  tools: [weatherTool],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  temperature: 1.6,
  top_p: 0.9,
  stop: 'END',
  max_tokens: 300,
  stream: false,
};

describe('toAnthropicRequest', () => {
  it('converts system, images, tool calls and merged tool results into the Messages body', () => {
    expect(schemaErrors.request(conversation)).toEqual([]); // the input is a valid OpenAI request
    expect(toAnthropicRequest(conversation, 'claude-sonnet-4-5', false)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'You are terse.\n\nUse metric units.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather where this photo was taken, and in Paris?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/photo.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} }, // unparseable arguments
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '3°C, snow' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '18°C, sun' }] },
            { type: 'text', text: 'Thanks. Which is warmer?' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
    });
  });

  it('sets stream only for streams, and prefers max_completion_tokens, then max_tokens, then 4096', () => {
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(toAnthropicRequest(base, 'm', true)).toMatchObject({ stream: true, max_tokens: 4096 });
    expect(toAnthropicRequest(base, 'm', false)).not.toHaveProperty('stream');
    expect(toAnthropicRequest({ ...base, max_tokens: 50, max_completion_tokens: 70 }, 'm', false).max_tokens).toBe(70);
    expect(toAnthropicRequest({ ...base, temperature: -0.5, stop: ['a', 'b'] }, 'm', false)).toMatchObject({
      temperature: 0,
      stop_sequences: ['a', 'b'],
    });
    expect(toAnthropicRequest(base, 'm', false)).not.toHaveProperty('system');
  });

  it('leaves out tool_choice when there are no tools, and gives a parameterless tool an object schema', () => {
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], tool_choice: 'required' };
    expect(toAnthropicRequest(base, 'm', false)).not.toHaveProperty('tool_choice');
    const withTool = toAnthropicRequest(
      { ...base, tools: [{ type: 'function', function: { name: 'ping' } }] },
      'm',
      false,
    );
    expect(withTool.tools).toEqual([{ name: 'ping', input_schema: { type: 'object', properties: {} } }]);
    expect(withTool.tool_choice).toEqual({ type: 'any' });
  });

  it('turns json_object and json_schema response formats into a system instruction that carries the schema', () => {
    const messages: ChatRequest['messages'] = [
      { role: 'system', content: 'Be exact.' },
      { role: 'user', content: 'List two cities.' },
    ];
    const object = toAnthropicRequest({ model: 'm', messages, response_format: { type: 'json_object' } }, 'm', false);
    expect(object.system).toMatch(/^Be exact\.\n\n.*single valid JSON value.*JSON object\.$/s);
    const schema = {
      type: 'object',
      properties: { cities: { type: 'array', items: { type: 'string' } } },
      required: ['cities'],
    };
    const strict = toAnthropicRequest(
      {
        model: 'm',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'cities', schema, strict: true } },
      },
      'm',
      false,
    );
    expect(strict.system).toContain('"cities"');
    expect(strict.system).toContain(JSON.stringify(schema, null, 2));
    const text = toAnthropicRequest({ model: 'm', messages, response_format: { type: 'text' } }, 'm', false);
    expect(text.system).toBe('Be exact.');
  });
});

describe('toToolChoice', () => {
  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    ['none', false, { type: 'none' }],
    [{ type: 'function', function: { name: 'get_weather' } }, undefined, { type: 'tool', name: 'get_weather' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      false,
      { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    ],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, true, undefined],
  ] as const)('%j with parallel_tool_calls %s → %j', (choice, parallel, expected) => {
    expect(toToolChoice(choice as ChatRequest['tool_choice'], parallel)).toEqual(expected);
  });
});

describe('toAnthropicMessages', () => {
  it('merges consecutive same-role messages so roles alternate, and drops empty text', () => {
    expect(
      toAnthropicMessages([
        { role: 'user', content: 'one' },
        { role: 'user', content: '' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'a' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }],
        },
      ]),
    ).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'a' },
          { type: 'tool_use', id: 't', name: 'f', input: {} },
        ],
      },
    ]);
  });

  it('puts tool results before other blocks of their user turn, and keeps an empty result without content', () => {
    const turns = toAnthropicMessages([
      { role: 'user', content: 'before' },
      { role: 'tool', tool_call_id: 'x', content: '' },
    ]);
    expect(turns).toEqual([
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'x' },
          { type: 'text', text: 'before' },
        ],
      },
    ]);
  });

  it('trims trailing whitespace from a final assistant prefill, which Anthropic rejects', () => {
    const turns = toAnthropicMessages([
      { role: 'user', content: 'Write JSON' },
      { role: 'assistant', content: '{ \n' },
    ]);
    expect(turns.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: '{' }] });
  });

  it('reads data URLs as base64 images, re-encoding a URL-encoded one, and passes other URLs through', () => {
    expect(imageSource('data:image/jpeg;base64,/9j/4AAQ')).toEqual({
      type: 'base64',
      media_type: 'image/jpeg',
      data: '/9j/4AAQ',
    });
    expect(imageSource('data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E')).toEqual({
      type: 'base64',
      media_type: 'image/svg+xml',
      data: Buffer.from('<svg/>').toString('base64'),
    });
    expect(imageSource('http://example.com/a.gif')).toEqual({ type: 'url', url: 'http://example.com/a.gif' });
  });
});
