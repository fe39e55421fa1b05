import { describe, expect, it } from 'vitest';
import { SKIP_THOUGHT_SIGNATURE } from '../../../../src/providers/gemini/to-wire-messages.js';
import { toGeminiRequest } from '../../../../src/providers/gemini/to-wire.js';
import type { ChatMessage, ToolDefinition } from '../../../../src/providers/types.js';
import { recording } from './wire-fixtures.js';

const divide: ToolDefinition = {
  type: 'function',
  function: {
    name: 'customDivide',
    description: 'Custom divide function',
    parameters: { type: 'object', properties: { numerator: { type: 'number' }, denominator: { type: 'number' } } },
  },
};

describe('toGeminiRequest against the js-genai recordings', () => {
  it('builds both recorded requests of the two-turn function calling chat', () => {
    const [first, second] = recording('Chats_Tests_chats_function_calling_Google_AI_with_function_calling');
    const question: ChatMessage = { role: 'user', content: 'what is the result of 100/2' };
    expect(
      toGeminiRequest(
        { model: 'gemini-2.0-flash', messages: [question], tools: [divide] },
        { model: 'gemini-2.0-flash' },
      ),
    ).toEqual(first!.request);
    const messages: ChatMessage[] = [
      question,
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_0',
            type: 'function',
            function: { name: 'customDivide', arguments: '{"denominator":2,"numerator":100}' },
          },
        ],
      },
      { role: 'user', content: 'what is the result of 50/2?' },
    ];
    expect(
      toGeminiRequest({ model: 'gemini-2.0-flash', messages, tools: [divide] }, { model: 'gemini-2.0-flash' }),
    ).toEqual(second!.request);
  });

  it('builds the recorded request with candidateCount and maxOutputTokens', () => {
    const [interaction] = recording(
      'Client_Tests_generateContent_ML_Dev_should_generate_content_with_specified_parameters',
    );
    const request = toGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'why is the sky blue?' }],
      n: 1,
      max_tokens: 200,
    });
    const { thinkingConfig: _notMapped, ...generationConfig } = interaction!.request.generationConfig;
    expect(request).toEqual({ ...interaction!.request, generationConfig });
  });
});

describe('toGeminiRequest messages', () => {
  const conversation: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here and there?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/photos/Paris.JPG?size=large#x' } },
      ],
    },
    {
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_a', content: '{"temp":21,"sky":"clear"}' },
    { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '14:05' }] },
    { role: 'user', content: 'Thanks!' },
  ];

  it('puts system and developer text in systemInstruction and maps turns, images, calls and results', () => {
    const request = toGeminiRequest({ model: 'm', messages: conversation });
    expect(request.systemInstruction).toEqual({ parts: [{ text: 'You are terse.' }, { text: 'Use metric units.' }] });
    expect(request.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Weather here and there?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/photos/Paris.JPG?size=large#x' } },
        ],
      },
      {
        role: 'model',
        parts: [
          { text: 'Let me check.' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        // both results in one user turn, then the next user message merged into it
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21, sky: 'clear' } } },
          { functionResponse: { name: 'get_time', response: { content: '14:05' } } },
          { text: 'Thanks!' },
        ],
      },
    ]);
  });

  it('wraps results that are not JSON objects as {content}', () => {
    const messages: ChatMessage[] = [
      { role: 'assistant', tool_calls: [{ id: 'x', type: 'function', function: { name: 'list', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'x', content: '[1,2,3]' },
    ];
    const parts = toGeminiRequest({ model: 'm', messages }).contents[1]!.parts;
    expect(parts).toEqual([{ functionResponse: { name: 'list', response: { content: '[1,2,3]' } } }]);
  });

  it('finds the latest call when an id repeats across turns (Gemini answers number them call_0 each time)', () => {
    const call = (name: string) => ({
      role: 'assistant' as const,
      tool_calls: [{ id: 'call_0', type: 'function' as const, function: { name, arguments: '{}' } }],
    });
    const messages: ChatMessage[] = [
      { role: 'user', content: 'go' },
      call('first'),
      { role: 'tool', tool_call_id: 'call_0', content: 'one' },
      call('second'),
      { role: 'tool', tool_call_id: 'call_0', content: 'two' },
    ];
    const names = toGeminiRequest({ model: 'm', messages })
      .contents.flatMap((c) => c.parts.map((p) => p.functionResponse?.name))
      .filter(Boolean);
    expect(names).toEqual(['first', 'second']);
  });

  it('merges consecutive same-role messages and drops empty text', () => {
    const request = toGeminiRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: '' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
        { role: 'assistant', content: 'd' },
      ],
    });
    expect(request.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] },
    ]);
    expect(request.systemInstruction).toBeUndefined();
  });

  it('keeps arguments that are not a JSON object rather than losing them', () => {
    const messages: ChatMessage[] = [
      {
        role: 'assistant',
        tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{"unterminated' } }],
      },
      { role: 'assistant', tool_calls: [{ id: 'y', type: 'function', function: { name: 'g', arguments: '42' } }] },
    ];
    const args = toGeminiRequest({ model: 'm', messages }).contents[0]!.parts.map((p) => p.functionCall?.args);
    expect(args).toEqual([{ arguments: '{"unterminated' }, { value: 42 }]);
  });

  it('adds the documented thought signature sentinel to replayed calls for Gemini 3 models only', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ];
    const signatures = (model: string) =>
      toGeminiRequest({ model, messages }, { model }).contents[1]!.parts.map((p) => p.thoughtSignature);
    expect(signatures('gemini-3-pro-preview')).toEqual([SKIP_THOUGHT_SIGNATURE]);
    expect(signatures('gemini-2.5-flash')).toEqual([undefined]);
  });
});
