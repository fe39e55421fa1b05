// The optional LLM judge: the grading request, robust parsing of the grade, and failing quietly.
import { describe, expect, it } from 'vitest';
import { createLlmJudge, parseGrade } from '../../../src/routing/llm-judge.js';
import type { ChatCompletion, ChatRequest } from '../../../src/providers/types.js';

function reply(content: string | null): ChatCompletion {
  return {
    id: 'g',
    object: 'chat.completion',
    created: 0,
    model: 'grader',
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
  };
}

/** A scripted grader: answers each call with the next script entry, and records what it was asked. */
function scripted(...script: Array<(request: ChatRequest, signal: AbortSignal) => Promise<ChatCompletion>>) {
  const calls: Array<{ request: ChatRequest; signal: AbortSignal }> = [];
  const grade = (request: ChatRequest, signal: AbortSignal) => {
    calls.push({ request, signal });
    return script[calls.length - 1]!(request, signal);
  };
  return { calls, judge: createLlmJudge({ grade, model: 'alpha/grader', timeoutMs: 50 }) };
}
const says = (content: string | null) => async () => reply(content);
const live = () => new AbortController().signal;

describe('createLlmJudge', () => {
  it('asks the grader model for a JSON grade of the answer to the question, and maps 0-10 to 0..1', async () => {
    const { judge, calls } = scripted(says('{"score": 8, "reason": "Correct and complete."}'));
    expect(await judge.score('What is 2 + 2?', '4', live())).toEqual({
      score: 0.8,
      reasons: ['llm judge: 8/10 (Correct and complete.)'],
    });
    const { request } = calls[0]!;
    expect(request.model).toBe('alpha/grader');
    expect(request.response_format).toEqual({ type: 'json_object' });
    expect(request.temperature).toBe(0);
    expect(request.messages[0]!.role).toBe('system');
    expect(request.messages[1]!.content).toContain('<question>\nWhat is 2 + 2?\n</question>');
    expect(request.messages[1]!.content).toContain('<answer>\n4\n</answer>');
  });

  it('reads a fenced grade surrounded by other text', async () => {
    const { judge } = scripted(
      says('Here is my grade:\n```json\n{"reason": "Mostly right, misses one case {edge}.", "score": 6}\n```\nThanks!'),
    );
    expect(await judge.score('q', 'a', live())).toEqual({
      score: 0.6,
      reasons: ['llm judge: 6/10 (Mostly right, misses one case {edge}.)'],
    });
  });

  it('returns undefined for garbage, an empty reply, or a score out of range', async () => {
    const { judge } = scripted(
      says('The answer is fine, I think.'),
      says(null),
      says('{"score": 15}'),
      says('{"score": "high"}'),
    );
    for (let i = 0; i < 4; i++) expect(await judge.score('q', 'a', live())).toBeUndefined();
  });

  it('returns undefined when the grader fails', async () => {
    const { judge } = scripted(async () => Promise.reject(new Error('429 rate limited')));
    expect(await judge.score('q', 'a', live())).toBeUndefined();
  });

  it('gives up on a grader that hangs past the timeout, aborting its signal, even if it ignores the signal', async () => {
    const { judge, calls } = scripted(() => new Promise<ChatCompletion>(() => {}));
    expect(await judge.score('q', 'a', live())).toBeUndefined();
    expect(calls[0]!.signal.aborted).toBe(true);
  });

  it('stops when the request is aborted, and does not call the grader for an already aborted one', async () => {
    const controller = new AbortController();
    const { judge, calls } = scripted(() => new Promise<ChatCompletion>(() => controller.abort()));
    expect(await judge.score('q', 'a', controller.signal)).toBeUndefined();
    expect(await judge.score('q', 'a', controller.signal)).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('cuts very long questions and answers to keep the grading call small', async () => {
    const { judge, calls } = scripted(says('{"score": 5}'));
    expect(await judge.score('q'.repeat(10_000), 'a'.repeat(50_000), live())).toEqual({
      score: 0.5,
      reasons: ['llm judge: 5/10'],
    });
    expect(String(calls[0]!.request.messages[1]!.content).length).toBeLessThan(13_000);
  });
});

describe('parseGrade', () => {
  it.each([
    ['{"score": 10}', 1],
    ['{"score": 0, "reason": "wrong"}', 0],
    ['{"score": "7"}', 0.7],
    ['{"verdict": {"score": 9, "reason": "great"}}', 0.9],
    ['Score: 4', 0.4],
    ['I would rate it 3/10.', 0.3],
    ['{"score": 7.5}', 0.75],
    ['{"score": 8', 0.8],
  ])('reads %s as %d', (text, score) => {
    expect(parseGrade(text)?.score).toBe(score);
  });

  it.each(['', 'no idea', '{"score": -1}', '{"score": null}', '{"reason": "fine"}', 'rated 11/10'])(
    'reads nothing from %j',
    (text) => {
      expect(parseGrade(text)).toBeUndefined();
    },
  );
});
