// The cheap judge and the classifier.
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/routing/classify.js';
import { judge } from '../../../src/routing/judge.js';
import type { AssistantMessage, ChatCompletion, FinishReason } from '../../../src/providers/types.js';

function answer(message: Partial<AssistantMessage>, finish: FinishReason = 'stop'): ChatCompletion {
  return {
    id: 'x', object: 'chat.completion', created: 0, model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, finish_reason: finish, logprobs: null }],
  };
}
const score = (message: Partial<AssistantMessage>, opts: { json?: boolean; limited?: boolean; finish?: FinishReason } = {}) =>
  judge({ completion: answer(message, opts.finish), json: opts.json ?? false, clientLimitedTokens: opts.limited ?? false });

describe('judge', () => {
  it('accepts a plain answer and a well-formed tool call', () => {
    expect(score({ content: 'Paris.' }).score).toBe(1);
    expect(score({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }).score).toBe(1);
  });

  it('rejects empty answers, malformed tool calls and invalid JSON in JSON mode', () => {
    expect(score({ content: '  \n' })).toEqual({ score: 0, reasons: ['empty answer'] });
    expect(score({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }).score).toBeLessThan(0.5);
    expect(score({ content: 'sure! {"a": 1}' }, { json: true }).score).toBeLessThan(0.5);
    expect(score({ content: '```json\n{"a": 1}\n```' }, { json: true }).score).toBe(1);
  });

  it('marks an answer cut off by length down, unless the client set the limit', () => {
    expect(score({ content: 'Once upon' }, { finish: 'length' }).score).toBeLessThan(1);
    expect(score({ content: 'Once upon' }, { finish: 'length', limited: true }).score).toBe(1);
  });
});

describe('classify', () => {
  it('names the task from the last user message', () => {
    expect(classify({ messages: [{ role: 'user', content: 'Write a haiku about rain' }] }).task).toBe('creative_writing');
    expect(classify({ messages: [{ role: 'user', content: 'Fix the bug in this function' }] }).task).toBe('code');
    expect(classify({ messages: [{ role: 'user', content: 'Translate "hello" into French' }] }).task).toBe('translation');
    expect(classify({ messages: [{ role: 'user', content: 'hey, how are you doing' }] }).task).toBe('chat');
  });

  it('derives the needs of the request', () => {
    const needs = classify({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }],
      tools: [{ type: 'function', function: { name: 'f' } }],
      response_format: { type: 'json_object' },
    }).needs;
    expect(needs).toEqual({ tools: true, vision: true, json: true, longContext: false });
  });

  it('counts prompt tokens exactly with a real tokenizer, lazily', () => {
    const c = classify({ messages: [{ role: 'user', content: 'Hello world' }] });
    expect(c.promptTokens()).toBe(2);
    expect(c.estimatedTokens).toBe(3);
  });
});
