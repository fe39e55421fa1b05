// judge node: scores the latest answer; a streamed answer can only be judged when it ended before any content.
import { judge, type Verdict } from '../../../src/routing/judge.js';
import type { CallResult, ChatContext } from '../context.js';
import { completionFromChunks } from '../../../src/providers/assemble.js';

/** The verdict on the latest result, recorded on its attempt, and the best rejected answer kept. */
export function judgeNode(context: ChatContext, threshold: number): Pick<ChatContext, 'attempts' | 'bestRejected'> {
  const result = context.result!;
  const verdict = judgeResult(context, result);
  const attempts = context.attempts.map((a, i) => (i === context.attempts.length - 1 ? { ...a, verdict } : a));
  if (verdict.score >= threshold) return { attempts };
  const candidate = context.plan!.candidates[context.index]!;
  const best = context.bestRejected;
  return { attempts, bestRejected: best && best.score >= verdict.score ? best : { result, candidate, score: verdict.score } };
}

function judgeResult(context: ChatContext, result: CallResult): Verdict {
  const { request } = context.input;
  const input = {
    json: context.classification!.needs.json,
    clientLimitedTokens: request.max_tokens !== undefined || request.max_completion_tokens !== undefined,
  };
  if (result.kind === 'completion') return judge({ completion: result.completion, ...input });
  // A stream that has started is being sent as it comes; only an already finished one can be judged here.
  if (!result.stream.done) return { score: 1, reasons: ['streaming'] };
  return judge({ completion: completionFromChunks(result.stream.head), ...input });
}

/** True when the latest attempt's verdict passed the threshold. */
export function isAccepted(context: ChatContext, threshold: number): boolean {
  const verdict = context.attempts.at(-1)?.verdict;
  return verdict !== undefined && verdict.score >= threshold;
}
