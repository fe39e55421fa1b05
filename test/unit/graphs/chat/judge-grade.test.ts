// The judge node's decisions over hand-built contexts: the cheap verdict on the latest answer, the LLM judge's grade
// folded into it (applyGrade), the best rejected answer kept, and when an answer counts as accepted.
import { describe, expect, it } from 'vitest';
import type { Attempt, CallResult, ChatContext } from '../../../../graphs/chat/context.js';
import { applyGrade, isAccepted, judgeNode } from '../../../../graphs/chat/nodes/judge.js';
import type { ChatCompletion } from '../../../../src/providers/types.js';
import { classify } from '../../../../src/routing/classifier/classify.js';
import type { Candidate } from '../../../../src/routing/types.js';

const THRESHOLD = 0.5;
const candidate = (ref: string): Candidate => ({ model: { ref }, score: 1, reasons: [] }) as unknown as Candidate;
const completion = (content: string): ChatCompletion => ({
  id: 'x',
  object: 'chat.completion',
  created: 0,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
  ],
});
const whole = (content: string): CallResult => ({ kind: 'completion', completion: completion(content) });

function context(attempts: Attempt[], extra: Partial<ChatContext> = {}): ChatContext {
  const candidates = [candidate('p/a'), candidate('p/b')];
  const request = { model: 'auto', messages: [{ role: 'user' as const, content: 'Say hello' }] };
  return {
    input: { request },
    classification: classify(request),
    plan: { candidates, skipped: [], mode: 'balanced' },
    index: attempts.length - 1,
    attempts,
    result: whole('Hello there!'),
    startedAt: 0,
    ...extra,
  } as unknown as ChatContext;
}

const judged = (score: number, reasons: string[] = []): Attempt => ({ ref: 'p/a', ms: 1, verdict: { score, reasons } });

describe('applyGrade', () => {
  it('keeps the lower score of the cheap verdict and the grade, with the reasons of both', () => {
    const lower = applyGrade(context([judged(0.9, ['long'])]), { score: 0.7, reasons: ['vague'] }, THRESHOLD);
    expect(lower.attempts.at(-1)!.verdict).toEqual({ score: 0.7, reasons: ['long', 'llm judge: vague'] });
    const higher = applyGrade(context([judged(0.6)]), { score: 1, reasons: [] }, THRESHOLD);
    expect(higher.attempts.at(-1)!.verdict).toEqual({ score: 0.6, reasons: [] });
  });

  it('changes only the latest attempt, and marks the answer graded', () => {
    const earlier: Attempt = { ref: 'p/x', ms: 3, error: new Error('down') };
    const result = applyGrade(context([earlier, judged(1)]), { score: 0.8, reasons: ['ok'] }, THRESHOLD);
    expect(result.attempts[0]).toBe(earlier);
    expect(result.graded).toBe(2);
  });

  it('leaves the verdict alone when the grader could not grade, or the answer has no verdict', () => {
    const attempts = [judged(0.9)];
    expect(applyGrade(context(attempts), undefined, THRESHOLD)).toEqual({ attempts, graded: 1 });
    const unjudged: Attempt[] = [{ ref: 'p/a', ms: 1 }];
    expect(applyGrade(context(unjudged), { score: 0, reasons: ['bad'] }, THRESHOLD)).toEqual({
      attempts: unjudged,
      graded: 1,
    });
  });

  it('keeps no rejected answer when the graded score still passes the threshold', () => {
    expect(applyGrade(context([judged(1)]), { score: THRESHOLD, reasons: [] }, THRESHOLD).bestRejected).toBeUndefined();
  });

  it('keeps a rejected answer as the best rejected one unless an earlier one scored at least as well', () => {
    const ctx = context([judged(1)]);
    const first = applyGrade(ctx, { score: 0.3, reasons: ['wrong'] }, THRESHOLD);
    expect(first.bestRejected).toEqual({ result: ctx.result, candidate: ctx.plan!.candidates[0], score: 0.3 });

    const better = { result: whole('earlier'), candidate: candidate('p/z'), score: 0.4 };
    const kept = applyGrade(context([judged(1)], { bestRejected: better }), { score: 0.3, reasons: [] }, THRESHOLD);
    expect(kept.bestRejected).toBe(better);
    const tie = applyGrade(context([judged(1)], { bestRejected: better }), { score: 0.4, reasons: [] }, THRESHOLD);
    expect(tie.bestRejected).toBe(better);
    const worse = { ...better, score: 0.1 };
    const replaced = applyGrade(context([judged(1)], { bestRejected: worse }), { score: 0.3, reasons: [] }, THRESHOLD);
    expect(replaced.bestRejected?.score).toBe(0.3);
  });
});

describe('judgeNode', () => {
  it('records the verdict on the latest attempt and keeps a rejected whole answer', () => {
    const ctx = context([{ ref: 'p/a', ms: 1 }], { result: whole("I'm sorry, but I can't help with that.") });
    const { attempts, bestRejected } = judgeNode(ctx, THRESHOLD);
    expect(attempts[0]!.verdict).toEqual({ score: 0.3, reasons: ['refusal'] });
    expect(bestRejected).toEqual({ result: ctx.result, candidate: ctx.plan!.candidates[0], score: 0.3 });
    expect(judgeNode(context([{ ref: 'p/a', ms: 1 }]), THRESHOLD).bestRejected).toBeUndefined();
  });

  it('never keeps an answer with nothing in it, which would be served as a success with no answer', () => {
    const noChoices: CallResult = { kind: 'completion', completion: { ...completion(''), choices: [] } };
    for (const result of [whole(''), whole(' \n'), noChoices]) {
      const { attempts, bestRejected } = judgeNode(context([{ ref: 'p/a', ms: 1 }], { result }), THRESHOLD);
      expect(attempts[0]!.verdict?.score).toBe(0);
      expect(bestRejected).toBeUndefined();
    }
    // An empty answer cut by length or the content filter says why it is empty: it stays the best there is.
    for (const finish_reason of ['length', 'content_filter'] as const) {
      const cut = completion('');
      cut.choices[0]!.finish_reason = finish_reason;
      const ctx = context([{ ref: 'p/a', ms: 1 }], { result: { kind: 'completion', completion: cut } });
      expect(judgeNode(ctx, THRESHOLD).bestRejected?.result).toBe(ctx.result);
    }
  });

  it('passes a stream that has started (it is being sent) and judges one that already ended', () => {
    const rest = { next: async () => ({ done: true as const, value: undefined }) };
    const started: CallResult = { kind: 'stream', stream: { head: [], rest, done: false } };
    expect(judgeNode(context([{ ref: 'p/a', ms: 1 }], { result: started }), THRESHOLD).attempts[0]!.verdict).toEqual({
      score: 1,
      reasons: ['streaming'],
    });
    const ended: CallResult = { kind: 'stream', stream: { head: [], rest, done: true } };
    const verdict = judgeNode(context([{ ref: 'p/a', ms: 1 }], { result: ended }), THRESHOLD).attempts[0]!.verdict;
    expect(verdict).toEqual({ score: 0, reasons: ['empty answer'] });
  });
});

describe('isAccepted', () => {
  it('is true when the latest verdict reaches the threshold, false below it or without a verdict', () => {
    expect(isAccepted(context([judged(0.2), judged(THRESHOLD)]), THRESHOLD)).toBe(true);
    expect(isAccepted(context([judged(1), judged(0.49)]), THRESHOLD)).toBe(false);
    expect(isAccepted(context([{ ref: 'p/a', ms: 1 }]), THRESHOLD)).toBe(false);
    expect(isAccepted(context([]), THRESHOLD)).toBe(false);
  });
});
