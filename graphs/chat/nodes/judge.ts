// judge node: scores the latest answer; a streamed answer can only be judged when it ended before any content.
import type { Verdict } from '../../../src/routing/judge/types.js';
import { judge } from '../../../src/routing/judge/verdict.js';
import type { CallResult, ChatContext } from '../context.js';
import { completionFromChunks } from '../../../src/providers/assemble.js';
import type { ChatCompletion } from '../../../src/providers/types.js';

/**
 * The verdict on the latest result, recorded on its attempt, and the best rejected answer kept. An answer with nothing
 * in it is never kept: served as the best there is, it would be a success with no answer (the run fails instead, as
 * for a body with no choices).
 */
export function judgeNode(context: ChatContext, threshold: number): Pick<ChatContext, 'attempts' | 'bestRejected'> {
  const result = context.result!;
  const whole = wholeAnswer(result);
  const verdict = whole === undefined ? STREAMING : judgeCompletion(context, whole);
  // Object.assign, not `{ ...a, verdict }`: on Node 20 a field added after a spread makes a new hidden class per call
  // (docs/BENCHMARKS.md, "Hidden classes made per request").
  const attempts = context.attempts.map((a, i) =>
    i === context.attempts.length - 1 ? Object.assign({}, a, { verdict }) : a,
  );
  if (verdict.score >= threshold || (whole !== undefined && hasNothing(whole))) return { attempts };
  const candidate = context.plan!.candidates[context.index]!;
  const best = context.bestRejected;
  return {
    attempts,
    bestRejected: best && best.score >= verdict.score ? best : { result, candidate, score: verdict.score },
  };
}

/** A stream that has started is being sent as it comes: it passes (only an already finished one can be judged). */
const STREAMING: Verdict = { score: 1, reasons: ['streaming'] };

/** The result as one whole answer, or undefined for a stream that has started. */
function wholeAnswer(result: CallResult): ChatCompletion | undefined {
  if (result.kind === 'completion') return result.completion;
  return result.stream.done ? completionFromChunks(result.stream.head) : undefined;
}

/**
 * No choice, or one with no text, tool call or refusal that ended as if it were whole. An empty answer cut by
 * `length` (a reasoning model's whole budget spent thinking) or by `content_filter` says why it is empty: that is
 * the client's to read, as the provider would have served it.
 */
export function hasNothing(completion: ChatCompletion): boolean {
  const choice = completion.choices[0];
  if (choice === undefined) return true;
  const { message, finish_reason } = choice;
  const empty = !message.content?.trim() && !message.tool_calls?.length && !message.refusal;
  return empty && finish_reason !== 'length' && finish_reason !== 'content_filter';
}

/** The verdict on one whole answer to the run's request (the judge node's, and each ensemble member's). */
export function judgeCompletion(context: ChatContext, completion: ChatCompletion): Verdict {
  const { request } = context.input;
  const { needs, task, query } = context.classification!;
  return judge({
    completion,
    json: needs.json,
    clientLimitedTokens: request.max_tokens !== undefined || request.max_completion_tokens !== undefined,
    task,
    question: query,
    toolNames: request.tools?.map((tool) => tool.function.name),
  });
}

/**
 * The LLM judge's grade folded into the latest verdict (the lower score wins, reasons of both), and the answer kept as
 * the best rejected one when the grade rejects it.
 */
export function applyGrade(
  context: ChatContext,
  grade: Verdict | undefined,
  threshold: number,
): Pick<ChatContext, 'attempts' | 'bestRejected' | 'graded'> {
  const graded = context.attempts.length;
  const last = context.attempts.at(-1)!;
  if (grade === undefined || last.verdict === undefined) return { attempts: context.attempts, graded };
  const verdict = {
    score: Math.min(last.verdict.score, grade.score),
    reasons: [...last.verdict.reasons, ...grade.reasons.map((r) => `llm judge: ${r}`)],
  };
  const attempts = [...context.attempts.slice(0, -1), Object.assign({}, last, { verdict })];
  if (verdict.score >= threshold) return { attempts, graded };
  const candidate = context.plan!.candidates[context.index]!;
  const best = context.bestRejected;
  return {
    attempts,
    graded,
    bestRejected:
      best && best.score >= verdict.score ? best : { result: context.result!, candidate, score: verdict.score },
  };
}

/** True when the latest attempt's verdict passed the threshold. */
export function isAccepted(context: ChatContext, threshold: number): boolean {
  const verdict = context.attempts.at(-1)?.verdict;
  return verdict !== undefined && verdict.score >= threshold;
}
