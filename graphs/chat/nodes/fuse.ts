// fuse node: an ensemble's members answer in parallel; the best judged answer is returned (select), or an aggregator
// model writes one answer from theirs (synthesize). A member that fails or times out is dropped, never fatal.
import type { Ensemble } from '../../../src/config/routing-schema.js';
import type { ChatCompletion } from '../../../src/providers/types.js';
import {
  aggregatorOf,
  ensembleMembers,
  fastestFirst,
  sumUsage,
  synthesisRequest,
  type Fused,
} from '../../../src/routing/fuse.js';
import type { Verdict } from '../../../src/routing/judge/types.js';
import type { Candidate } from '../../../src/routing/types.js';
import type { Attempt, CallResult, ChatContext, ChatDeps } from '../context.js';
import { failureFromAttempts } from '../edges.js';
import { callInputFor, callModel } from './call.js';

/** What the fuse node produced: the answer, who gave it, every call, and how the ensemble went. */
export interface FuseResult {
  result: CallResult;
  candidate: Candidate;
  attempts: Attempt[];
  fused: Fused;
}

interface Answered {
  candidate: Candidate;
  completion: ChatCompletion;
  verdict: Verdict;
}

/** The run's ensemble (the client's field wins over a rule's); a cascade's plan puts the fastest models first. */
export function ensembleNode(context: ChatContext): Pick<ChatContext, 'ensemble' | 'plan'> {
  const ensemble = context.input.ensemble ?? context.plan?.ensemble;
  if (ensemble === undefined || context.plan === undefined) return {};
  return { ensemble, plan: ensemble.strategy === 'cascade' ? fastestFirst(context.plan) : context.plan };
}

/** Judges one whole answer the way the judge node does. */
export type JudgeCompletion = (context: ChatContext, completion: ChatCompletion) => Verdict;

/**
 * Runs `ensemble` over the plan. A cascade's first answer (`context.bestRejected`, already judged) competes too and
 * its model is not asked again. Throws the run's GatewayError when no member answered.
 */
export async function fuseNode(
  deps: ChatDeps,
  context: ChatContext,
  ensemble: Ensemble,
  judge: JudgeCompletion,
): Promise<FuseResult> {
  const tried = new Set(context.attempts.map((a) => a.ref));
  const members = ensembleMembers(context.plan!, ensemble, tried);
  const attempts = [...context.attempts];
  const answered: Answered[] = [];
  await Promise.all(
    members.map(async (candidate) => {
      const started = deps.now();
      const signal = AbortSignal.any([context.input.signal, AbortSignal.timeout(deps.routing.ensembleTimeoutMs)]);
      try {
        const result = await callModel(deps, { ...callInput(context, candidate), signal, stream: false });
        if (result.kind !== 'completion') return;
        const verdict = judge(context, result.completion);
        attempts.push({ ref: candidate.model.ref, ms: deps.now() - started, verdict });
        answered.push({ candidate, completion: result.completion, verdict });
      } catch (err) {
        attempts.push({ ref: candidate.model.ref, ms: deps.now() - started, error: err as Error });
      }
    }),
  );
  const prior = priorAnswer(context);
  if (prior !== undefined) answered.push(prior);
  if (answered.length === 0) throw failureFromAttempts(attempts, attempts.at(-1)?.error);
  answered.sort((a, b) => b.verdict.score - a.verdict.score || rank(context, a.candidate) - rank(context, b.candidate));
  const best = answered[0]!;
  const membersUsage = sumUsage(answered.map((a) => a.completion.usage));
  const report = (extra: Partial<Fused>): Fused => ({
    strategy: ensemble.strategy,
    members: [
      ...members.map((c) => memberReport(c, attempts)),
      ...(prior === undefined ? [] : [memberReport(prior.candidate, attempts)]),
    ],
    usage: membersUsage,
    ...extra,
  });
  if (ensemble.strategy !== 'synthesize' || answered.length < 2) {
    best.completion.usage = membersUsage.total_tokens > 0 ? membersUsage : best.completion.usage;
    return {
      result: { kind: 'completion', completion: best.completion },
      candidate: best.candidate,
      attempts,
      fused: report({ selected: best.candidate.model.ref }),
    };
  }
  return synthesize(deps, context, { ensemble, answered, attempts, best, report });
}

interface SynthesisInput {
  ensemble: Ensemble;
  answered: Answered[];
  attempts: Attempt[];
  best: Answered;
  report: (extra: Partial<Fused>) => Fused;
}

/** The aggregator's answer (streamed when the client streams); the best member's if the aggregator fails. */
async function synthesize(deps: ChatDeps, context: ChatContext, input: SynthesisInput): Promise<FuseResult> {
  const { ensemble, answered, attempts, best, report } = input;
  const aggregator = aggregatorOf(
    deps.registry,
    ensemble,
    answered.map((a) => a.candidate),
  )!;
  const request = synthesisRequest(
    context.input.request,
    answered.map((a) => a.completion.choices[0]?.message.content ?? ''),
  );
  const started = deps.now();
  try {
    const result = await callModel(deps, { ...callInput(context, aggregator), request });
    attempts.push({ ref: aggregator.model.ref, ms: deps.now() - started });
    const fused = report({ aggregator: aggregator.model.ref });
    if (result.kind === 'completion') result.completion.usage = sumUsage([fused.usage, result.completion.usage]);
    return { result, candidate: aggregator, attempts, fused };
  } catch (err) {
    attempts.push({ ref: aggregator.model.ref, ms: deps.now() - started, error: err as Error });
    best.completion.usage = report({}).usage;
    return {
      result: { kind: 'completion', completion: best.completion },
      candidate: best.candidate,
      attempts,
      fused: report({ selected: best.candidate.model.ref }),
    };
  }
}

function callInput(context: ChatContext, candidate: Candidate) {
  return callInputFor(context.input, candidate, context.classification!.promptTokens);
}

/** A cascade's rejected first answer, as a member that already answered. */
function priorAnswer(context: ChatContext): Answered | undefined {
  const prior = context.bestRejected;
  if (prior === undefined || prior.result.kind !== 'completion') return undefined;
  const verdict = context.attempts.find((a) => a.ref === prior.candidate.model.ref && a.verdict)?.verdict ?? {
    score: prior.score,
    reasons: [],
  };
  return { candidate: prior.candidate, completion: prior.result.completion, verdict };
}

function rank(context: ChatContext, candidate: Candidate): number {
  const index = context.plan!.candidates.indexOf(candidate);
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}

function memberReport(candidate: Candidate, attempts: Attempt[]): Fused['members'][number] {
  const attempt = attempts.find((a) => a.ref === candidate.model.ref);
  return {
    model: candidate.model.ref,
    ...(attempt?.verdict === undefined ? {} : { score: attempt.verdict.score }),
    ...(attempt?.error === undefined ? {} : { error: attempt.error.message }),
  };
}
