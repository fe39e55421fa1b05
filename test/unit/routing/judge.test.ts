// The cheap judge: shape checks (empty, tool calls, JSON, length), the code check, and how failures combine.
import { describe, expect, it } from 'vitest';
import type { JudgeInput } from '../../../src/routing/judge/types.js';
import { judge } from '../../../src/routing/judge/verdict.js';
import type { AssistantMessage, ChatCompletion, FinishReason, ToolCall } from '../../../src/providers/types.js';

function completion(message: Partial<AssistantMessage>, finish: FinishReason = 'stop'): ChatCompletion {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, ...message },
        finish_reason: finish,
        logprobs: null,
      },
    ],
  };
}
type Options = Partial<Omit<JudgeInput, 'completion'>> & { finish?: FinishReason };
const verdict = (message: Partial<AssistantMessage>, { finish, ...options }: Options = {}) =>
  judge({
    completion: completion(message, finish),
    json: false,
    clientLimitedTokens: false,
    task: 'chat',
    question: 'hi there',
    ...options,
  });
const call = (name: string, args: string): ToolCall => ({
  id: 'c',
  type: 'function',
  function: { name, arguments: args },
});

describe('judge: shape checks', () => {
  it('accepts a plain answer and a well-formed tool call', () => {
    expect(verdict({ content: 'Paris.' })).toEqual({ score: 1, reasons: [] });
    expect(verdict({ tool_calls: [call('f', '{"a":1}')] })).toEqual({ score: 1, reasons: [] });
  });

  it('scores a completion without choices 0', () => {
    expect(
      judge({
        completion: { ...completion({}), choices: [] },
        json: false,
        clientLimitedTokens: false,
        task: 'chat',
        question: '',
      }),
    ).toEqual({ score: 0, reasons: ['no choices'] });
  });

  it('scores an empty or whitespace answer 0, but not a tool call or a refusal', () => {
    expect(verdict({ content: '  \n\t' })).toEqual({ score: 0, reasons: ['empty answer'] });
    expect(verdict({ content: null })).toEqual({ score: 0, reasons: ['empty answer'] });
    expect(verdict({ content: null, tool_calls: [call('f', '{}')] }).score).toBe(1);
    expect(verdict({ content: null, refusal: 'I will not do that.' }).reasons).toEqual(['refusal']);
  });

  it('scores malformed tool calls 0.1: no name, arguments not a JSON object, a tool the request does not have', () => {
    expect(verdict({ tool_calls: [call('', '{}')] })).toEqual({
      score: 0.1,
      reasons: ['malformed tool call: no name'],
    });
    expect(verdict({ tool_calls: [call('f', '{"a":')] }).reasons).toEqual([
      'malformed tool call: arguments of f are not a JSON object',
    ]);
    expect(verdict({ tool_calls: [call('f', '[1, 2]')] }).score).toBe(0.1);
    expect(verdict({ tool_calls: [call('f', '{}'), call('rm_rf', '{}')] }, { toolNames: ['f', 'g'] })).toEqual({
      score: 0.1,
      reasons: ['malformed tool call: unknown tool rm_rf'],
    });
  });

  it('accepts tool calls with empty arguments, known names, or any name when the request listed no tools', () => {
    expect(verdict({ tool_calls: [call('now', '')] }, { toolNames: ['now'] }).score).toBe(1);
    expect(verdict({ tool_calls: [call('g', ' {"x": [1]} ')] }, { toolNames: ['f', 'g'] }).score).toBe(1);
    expect(verdict({ tool_calls: [call('anything', '{}')] }, { toolNames: [] }).score).toBe(1);
  });

  it('scores invalid JSON in JSON mode 0.2, accepting fenced JSON', () => {
    expect(verdict({ content: 'sure! {"a": 1}' }, { json: true })).toEqual({
      score: 0.2,
      reasons: ['invalid JSON in JSON mode'],
    });
    expect(verdict({ content: '{"a": ' }, { json: true }).score).toBe(0.2);
    expect(verdict({ content: '```json\n{"a": 1}\n```' }, { json: true }).score).toBe(1);
    expect(verdict({ content: '```\n[1, 2]\n```\n' }, { json: true }).score).toBe(1);
    expect(verdict({ content: ' {"a": {"b": null}} ' }, { json: true }).score).toBe(1);
    expect(verdict({ content: 'sure! {"a": 1}' }, { json: false }).score).toBe(1);
  });

  it('scores an answer cut off by length 0.6, unless the client set the limit', () => {
    expect(verdict({ content: 'Once upon' }, { finish: 'length' })).toEqual({
      score: 0.6,
      reasons: ['cut off by length'],
    });
    expect(verdict({ content: 'Once upon' }, { finish: 'length', clientLimitedTokens: true }).score).toBe(1);
  });
});

describe('judge: a code task answered without code', () => {
  const code = { task: 'code' as const, question: 'Write a Python function that reverses a string.' };

  it('scores 0.4 when the answer has no fenced block, no code-like span and no code-like lines', () => {
    expect(
      verdict(
        { content: 'Sure, you can reverse a string by walking it backwards and collecting each character.' },
        code,
      ),
    ).toEqual({ score: 0.4, reasons: ['code task answered without code'] });
  });

  it('accepts a fenced block, a code-like inline span, or code-like lines', () => {
    expect(verdict({ content: 'Here:\n```python\ndef rev(s):\n    return s[::-1]\n```' }, code).score).toBe(1);
    expect(verdict({ content: 'Use slicing: `s[::-1]` returns the reversed string.' }, code).score).toBe(1);
    expect(verdict({ content: 'def rev(s):\n    return s[::-1]' }, code).score).toBe(1);
    expect(verdict({ content: 'function rev(s) {\n  return [...s].reverse().join("");\n}' }, code).score).toBe(1);
  });

  it('does not hold backticked words or a single code-looking line to be code', () => {
    expect(
      verdict({ content: 'Call the `reverse` helper from the `strings` module and you are done.' }, code).score,
    ).toBe(0.4);
    expect(verdict({ content: 'The result is print(x)\nand that is all there is to it.' }, code).score).toBe(0.4);
  });

  it('leaves questions about code, and other tasks, to prose', () => {
    const prose = {
      content: 'It matches one or more digits followed by an optional decimal part, anchored at both ends.',
    };
    expect(verdict(prose, { task: 'code', question: 'What does this regex do? ^\\d+(\\.\\d+)?$' }).score).toBe(1);
    expect(verdict(prose, { task: 'code', question: 'Explain the difference between let and const.' }).score).toBe(1);
    expect(verdict(prose, { task: 'math', question: 'Write a proof that 2 + 2 = 4.' }).score).toBe(1);
  });

  it('leaves requests with tools alone: an agent writes its code through tool calls and then reports in prose', () => {
    const report = { content: 'Done: the file now uses spaces, and the tests pass.' };
    expect(verdict(report, { ...code, toolNames: ['write_file'] }).score).toBe(1);
    expect(verdict(report, code).score).toBe(0.4);
  });
});

describe('judge: combined verdicts', () => {
  it('takes the lowest failing score and gives every reason, in check order', () => {
    const loop = `Here is the plan. ${'I will now repeat the plan. '.repeat(30)}`;
    const v = verdict({ content: loop }, { finish: 'length' });
    expect(v.score).toBe(0.2);
    expect(v.reasons).toEqual([
      'cut off by length',
      expect.stringMatching(/^repetition loop: "I will now repeat the plan\.?" repeated \d+ times/),
    ]);
  });

  it('combines an empty answer cut off by length, and invalid JSON cut off by length', () => {
    expect(verdict({ content: '' }, { finish: 'length' })).toEqual({
      score: 0,
      reasons: ['empty answer', 'cut off by length'],
    });
    expect(verdict({ content: '{"items": [1, 2,' }, { json: true, finish: 'length' })).toEqual({
      score: 0.2,
      reasons: ['invalid JSON in JSON mode', 'cut off by length'],
    });
  });

  it('combines a refusal with a code task without code', () => {
    const v = verdict(
      { content: "I'm sorry, but I can't help with that." },
      { task: 'code', question: 'Write a keylogger in C.' },
    );
    expect(v).toEqual({ score: 0.3, reasons: ['refusal', 'code task answered without code'] });
  });
});
