// ChatRequest → upstream body: whitelisted fields, max-token mapping, tool turns intact, valid against OpenAI's request
// schema.
import { describe, expect, it } from 'vitest';
import { toOpenAIRequest } from '../../../../src/providers/openai/to-wire.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const toolTurn: ChatRequest = {
  model: 'groq/llama-3.3-70b-versatile',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in Paris?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'weather',
        description: 'Current weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'weather' } },
  temperature: 0.2,
  top_p: 0.9,
  stop: ['\n\n'],
  seed: 7,
  user: 'u-1',
  n: 1,
  presence_penalty: 0.1,
  frequency_penalty: 0.3,
  parallel_tool_calls: false,
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
};

describe('toOpenAIRequest', () => {
  it('addresses the upstream model id and forwards the standard fields and tool turns intact', () => {
    const body = toOpenAIRequest(toolTurn, 'llama-3.3-70b-versatile');
    expect(body.model).toBe('llama-3.3-70b-versatile');
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      toolTurn.messages[1],
      { role: 'assistant', content: null, tool_calls: toolTurn.messages[2]!.tool_calls },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    ]);
    expect(body).toMatchObject({
      tools: toolTurn.tools,
      tool_choice: toolTurn.tool_choice,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\n'],
      seed: 7,
      user: 'u-1',
      n: 1,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      parallel_tool_calls: false,
      response_format: toolTurn.response_format,
    });
    expect(schemaErrors.request(body)).toEqual([]);
  });

  it('drops undefined values and never forwards unknown fields, at the top or inside messages and tools', () => {
    const request = {
      model: 'auto',
      messages: [{ role: 'user', content: 'hi', extra_field: 1, name: undefined }],
      temperature: undefined,
      provider: { order: ['groq'] },
      switchboard: { strategy: 'fuse' },
      logit_bias: { '50256': -100 },
      tools: [{ type: 'function', function: { name: 'f', description: undefined, cache_control: 'x' }, x: 1 }],
    } as unknown as ChatRequest;
    const body = toOpenAIRequest(request, 'm');
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect(JSON.stringify(body)).not.toContain('undefined');
    expect(Object.keys(body)).not.toContain('temperature');
  });

  it('sends max_tokens when only one limit is given, and keeps max_completion_tokens when the client used it', () => {
    const base: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'hi' }] };
    const onlyMax = toOpenAIRequest({ ...base, max_tokens: 100 }, 'm');
    expect(onlyMax['max_tokens']).toBe(100);
    expect('max_completion_tokens' in onlyMax).toBe(false);

    const onlyCompletion = toOpenAIRequest({ ...base, max_completion_tokens: 200 }, 'm');
    expect(onlyCompletion['max_tokens']).toBe(200);
    expect(onlyCompletion['max_completion_tokens']).toBe(200);

    const both = toOpenAIRequest({ ...base, max_tokens: 50, max_completion_tokens: 300 }, 'm');
    expect([both['max_tokens'], both['max_completion_tokens']]).toEqual([50, 300]);

    const openaiStyle = toOpenAIRequest({ ...base, max_tokens: 70 }, 'm', { maxTokensField: 'max_completion_tokens' });
    expect(openaiStyle['max_completion_tokens']).toBe(70);
    expect(openaiStyle).not.toHaveProperty('max_tokens');
    const none = toOpenAIRequest(base, 'm');
    expect('max_tokens' in none || 'max_completion_tokens' in none).toBe(false);
  });

  it('asks for a stream with the usage chunk only when streaming, whatever the client sent', () => {
    const request: ChatRequest = {
      model: 'x',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      stream_options: { include_usage: false },
    };
    const streamed = toOpenAIRequest(request, 'm', { stream: true });
    expect(streamed['stream']).toBe(true);
    expect(streamed['stream_options']).toEqual({ include_usage: true });
    const plain = toOpenAIRequest({ ...request, stream: true }, 'm');
    expect('stream' in plain || 'stream_options' in plain).toBe(false);
    expect(schemaErrors.request(streamed)).toEqual([]);
  });

  it('keeps an assistant refusal that has text and drops a null one', () => {
    const body = toOpenAIRequest(
      {
        model: 'x',
        messages: [
          { role: 'assistant', content: null, refusal: 'I cannot help.' },
          { role: 'assistant', content: 'ok', refusal: null },
        ],
      },
      'm',
    );
    expect(body.messages).toEqual([
      { role: 'assistant', content: null, refusal: 'I cannot help.' },
      { role: 'assistant', content: 'ok' },
    ]);
  });
});
