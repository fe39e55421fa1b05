// grade node: the optional LLM judge (routing.llmJudge) on an answer the cheap checks accepted, for the modes it lists.
import { toAbortSignal } from '../../../src/providers/run-signal.js';
import { createLlmJudge } from '../../../src/routing/llm-judge.js';
import type { Verdict } from '../../../src/routing/judge/types.js';
import type { ChatContext, ChatDeps } from '../context.js';
import { callInputFor, callModel } from './call.js';

/** Whether the latest answer is to be graded: an LLM judge is configured for this mode, and the answer is whole. */
export function needsGrade(deps: ChatDeps, context: ChatContext): boolean {
  const config = deps.routing.llmJudge;
  if (config === undefined || context.result?.kind !== 'completion' || context.graded === context.attempts.length)
    return false;
  return config.modes.includes(context.plan!.mode) && deps.registry.byRef.has(config.model);
}

/** The grader model's verdict on the latest answer; undefined when it could not grade (never a failure of the run). */
export async function gradeNode(deps: ChatDeps, context: ChatContext): Promise<Verdict | undefined> {
  const config = deps.routing.llmJudge!;
  const model = deps.registry.byRef.get(config.model)!;
  const { input } = context;
  const judge = createLlmJudge({
    model: config.model,
    timeoutMs: config.timeoutMs,
    async grade(request, signal) {
      const grader = { model, score: 0, reasons: ['llm judge'] };
      const result = await callModel(deps, { ...callInputFor(input, grader, () => 0), request, stream: false, signal });
      if (result.kind !== 'completion') throw new Error('the grader streamed');
      return result.completion;
    },
  });
  const completion = context.result!.kind === 'completion' ? context.result!.completion : undefined;
  return judge.score(
    context.classification!.query,
    completion?.choices[0]?.message.content ?? '',
    toAbortSignal(input.signal),
  );
}
