// fuse node: an ensemble's members answer in parallel; the best judged answer is returned (select), or an aggregator
// model writes one answer from theirs (synthesize). A member that fails or times out is dropped, never fatal.
import type { Ensemble } from '../../../src/config/routing-schema.js';
import { toAbortSignal } from '../../../src/providers/run-signal.js';
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
import { FAILURE_POLICY, failureKindOf } from '../../../src/accounts/failure-policy.js';
import { failureFromAttempts, retryAfterOf } from '../edges.js';
import { callInputFor, callModel } from './call.js';
import { hasNothing } from './judge.js';

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
  const called: Candidate[] = [];
  const replace = replacements(context, new Set([...tried, ...members.map((c) => c.model.ref)]));
  // Every member answers by the same deadline: the ensemble's, or the run's when that comes first.
  const deadline = Math.min(
    deps.now() + deps.routing.ensembleTimeoutMs,
    context.startedAt + deps.routing.totalTimeoutMs,
  );
  await Promise.all(
    members.map(async (member) => {
      // A member that fails is replaced once by the plan's next unused candidate, when the failure policy tries another
      // model after that failure and time remains.
      let candidate: Candidate | undefined = member;
      for (let turn = 0; candidate !== undefined && turn < 2; turn++) {
        const left = deadline - deps.now();
        if (left <= 0 || context.input.signal.aborted) return;
        called.push(candidate);
        const started = deps.now();
        const signal = AbortSignal.any([toAbortSignal(context.input.signal), AbortSignal.timeout(left)]);
        try {
          const result = await callModel(deps, { ...callInput(context, candidate), signal, stream: false });
          if (result.kind !== 'completion') return;
          const verdict = judge(context, result.completion);
          attempts.push({ ref: candidate.model.ref, ms: deps.now() - started, verdict });
          answered.push({ candidate, completion: result.completion, verdict });
          return;
        } catch (err) {
          const kind = failureKindOf(err);
          const policy = FAILURE_POLICY[kind];
          const skipped = policy.attempt ? {} : { skipped: true };
          attempts.push({ ref: candidate.model.ref, ms: deps.now() - started, error: err as Error, kind, ...skipped });
          candidate = policy.nextModel ? replace(policy.skipProvider ? candidate : undefined) : undefined;
        }
      }
    }),
  );
  const prior = priorAnswer(context);
  if (prior !== undefined) answered.push(prior);
  // An answer with nothing in it is never served, not even as the best of bad ones (judge.ts); its tokens still count.
  const usable = answered.filter((a) => !hasNothing(a.completion));
  if (usable.length === 0)
    throw failureFromAttempts(attempts, attempts.at(-1)?.error, retryAfterOf(context, deps, attempts));
  usable.sort((a, b) => b.verdict.score - a.verdict.score || rank(context, a.candidate) - rank(context, b.candidate));
  const best = usable[0]!;
  const membersUsage = sumUsage(answered.map((a) => a.completion.usage));
  const report = (extra: Partial<Fused>): Fused => ({
    strategy: ensemble.strategy,
    members: [
      ...called.map((c) => memberReport(c, attempts)),
      ...(prior === undefined ? [] : [memberReport(prior.candidate, attempts)]),
    ],
    usage: membersUsage,
    ...extra,
  });
  if (ensemble.strategy !== 'synthesize' || usable.length < 2) {
    best.completion.usage = membersUsage.total_tokens > 0 ? membersUsage : best.completion.usage;
    return {
      result: { kind: 'completion', completion: best.completion },
      candidate: best.candidate,
      attempts,
      fused: report({ selected: best.candidate.model.ref }),
    };
  }
  return synthesize(deps, context, { ensemble, answered: usable, attempts, best, report });
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
    attempts.push({
      ref: aggregator.model.ref,
      ms: deps.now() - started,
      error: err as Error,
      kind: failureKindOf(err),
    });
    best.completion.usage = report({}).usage;
    return {
      result: { kind: 'completion', completion: best.completion },
      candidate: best.candidate,
      attempts,
      fused: report({ selected: best.candidate.model.ref }),
    };
  }
}

/**
 * Takes the plan's next candidate not `used` yet and not of a provider left out (those the run left out, and the
 * provider of `failed` when its failure leaves it out), or undefined when none is left.
 */
function replacements(context: ChatContext, used: Set<string>): (failed?: Candidate) => Candidate | undefined {
  const leftOut = new Set(context.leftOut);
  return (failed) => {
    if (failed !== undefined) leftOut.add(failed.model.provider.id);
    const found = context.plan!.candidates.find((c) => !used.has(c.model.ref) && !leftOut.has(c.model.provider.id));
    if (found !== undefined) used.add(found.model.ref);
    return found;
  };
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
