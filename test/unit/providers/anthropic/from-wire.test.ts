// Recorded Anthropic Messages responses → OpenAI ChatCompletion, checked against OpenAI's schema.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { finishReason, fromAnthropicResponse } from '../../../../src/providers/anthropic/from-wire.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';
import { fixture } from './replay.js';

const options = { now: () => 1_700_000_000_999, model: 'asked-for-model' };
const convert = (name: string) => fromAnthropicResponse(JSON.parse(fixture(name)), options);

describe('fromAnthropicResponse on recorded bodies', () => {
  it('maps a text answer: content, stop, usage, id, model and created', () => {
    const completion = convert('vercel-ai_anthropic-text.json');
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(completion).toEqual({
      id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
            refusal: null,
          },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 29, total_tokens: 41 },
    });
  });

  it('maps text plus a tool_use with empty input to content and a tool call with "{}" arguments', () => {
    const completion = convert('vercel-ai_anthropic-tool-no-args.json');
    expect(schemaErrors.completion(completion)).toEqual([]);
    const [choice] = completion.choices;
    expect(choice?.message.content).toMatch(
      /^<thinking>\nThe updateIssueList tool[\s\S]*Okay, I will update the current issue list:$/,
    );
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
        type: 'function',
        function: { name: 'updateIssueList', arguments: '{}' },
      },
    ]);
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toEqual({ prompt_tokens: 602, completion_tokens: 93, total_tokens: 695 });
  });

  it('gives null content when the answer is only a tool call, with the input as JSON arguments', () => {
    const completion = convert('vercel-ai_anthropic-json-tool.1.json');
    expect(schemaErrors.completion(completion)).toEqual([]);
    const message = completion.choices[0]?.message;
    expect(message?.content).toBeNull();
    expect(message?.tool_calls?.[0]?.id).toBe('toolu_01Q9ExVZnzZj7E2QQYHYtNUa');
    expect(JSON.parse(message?.tool_calls?.[0]?.function.arguments ?? '')).toEqual({
      elements: [
        { location: 'San Francisco', temperature: -5, condition: 'snowy' },
        { location: 'London', temperature: 0, condition: 'snowy' },
        { location: 'Paris', temperature: 23, condition: 'cloudy' },
        { location: 'Berlin', temperature: -9, condition: 'snowy' },
      ],
    });
    expect(completion.usage?.total_tokens).toBe(1151 + 87);
  });
});

describe('fromAnthropicResponse on edge cases', () => {
  const message = (extra: Record<string, unknown>) => ({
    id: 'msg_x',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [{ type: 'text', text: 'a' }],
    stop_reason: 'end_turn',
    ...extra,
  });

  it('counts cache reads and writes as prompt tokens', () => {
    const usage = {
      input_tokens: 5,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 1000,
      output_tokens: 7,
    };
    expect(fromAnthropicResponse(message({ usage }), options).usage).toEqual({
      prompt_tokens: 1105,
      completion_tokens: 7,
      total_tokens: 1112,
    });
  });

  it('joins several text blocks and skips thinking blocks', () => {
    const content = [
      { type: 'thinking', thinking: 'secret', signature: 's' },
      { type: 'text', text: 'one ' },
      { type: 'text', text: 'two' },
    ];
    const completion = fromAnthropicResponse(message({ content }), options);
    expect(completion.choices[0]?.message.content).toBe('one two');
    expect(schemaErrors.completion(completion)).toEqual([]);
  });

  it('maps a refusal stop to content_filter and an empty answer to null content', () => {
    const completion = fromAnthropicResponse(message({ content: [], stop_reason: 'refusal' }), options);
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: null, refusal: null },
    });
    expect(schemaErrors.completion(completion)).toEqual([]);
  });

  it('throws a server ProviderError for a body that is not a message', () => {
    expect(() => fromAnthropicResponse({ type: 'error', error: { type: 'api_error' } }, options)).toThrow(
      ProviderError,
    );
  });
});

describe('stop reasons', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
    [null, 'stop'],
  ] as const)('stop_reason %s → finish_reason %s', (stop, finish) => {
    expect(finishReason(stop)).toBe(finish);
  });
});
