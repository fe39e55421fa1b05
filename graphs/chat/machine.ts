// The request statechart: classify → (cache →) route → call → judge → (done | fallback → call | exhausted). Wiring
// only; run events are projected from its transitions (events.ts), so the nodes stay pure.
import { assign, setup } from 'xstate';
import { FAILURE_POLICY, failureKindOf } from '../../src/accounts/failure-policy.js';
import { GatewayError } from '../../src/errors.js';
import type { ChatCompletion } from '../../src/providers/types.js';
import type { CallResult, ChatContext, ChatDeps, ChatInput, ChatOutcome } from './context.js';
import { failureFromAttempts, nextAfterFailure, retryAfterOf } from './edges.js';
import { cacheKeyOf, wantsCache, withUsageForCache } from './nodes/cache.js';
import { callInputFor, callModel, type CallInput } from './nodes/call.js';
import { classifyNode } from './nodes/classify.js';
import { ensembleNode, fuseNode, type FuseResult } from './nodes/fuse.js';
import { gradeNode, needsGrade } from './nodes/grade.js';
import { applyGrade, isAccepted, judgeCompletion, judgeNode } from './nodes/judge.js';
import type { Verdict } from '../../src/routing/judge/types.js';
import { routeNode, routerViewOf } from './nodes/route.js';
import { applyOpinion, needsSecondOpinion, secondOpinionNode } from './nodes/second-opinion.js';
import type { LlmOpinion } from '../../src/routing/llm-classifier.js';

/** The events the cache, call, fuse and grade nodes send their own actor when their work settles. */
export type CallEvent =
  | { type: 'cache.done'; key: string; hit: ChatCompletion | undefined }
  | { type: 'call.done'; result: CallResult; ms: number }
  | { type: 'call.failed'; error: Error; ms: number }
  | { type: 'fuse.done'; fused: FuseResult }
  | { type: 'grade.done'; grade: Verdict | undefined }
  | { type: 'opinion.done'; opinion: LlmOpinion | undefined }
  | { type: 'fuse.failed'; error: Error };

/** Where a classified request goes: to the response cache when it is on for it, else to the router. */
const AFTER_CLASSIFY = [{ guard: 'wantsCache', target: 'cache' }, { target: 'route' }] as const;

/** Where a judged answer leads (after the cheap checks, and again after the LLM judge's grade). */
const AFTER_JUDGEMENT = [
  { guard: 'accepted', target: 'done' },
  { guard: 'cascadesToEnsemble', target: 'fuse' },
  { guard: 'canFallBack', target: 'fallback' },
  { target: 'exhausted' },
] as const;

/**
 * Builds the request machine; its actions are named, so tests can `provide` others. The upstream call is a named
 * action that reports back with `call.done` / `call.failed` rather than an invoked promise actor: a child actor
 * per call cost ~50 µs of CPU per request in the gateway (docs/BENCHMARKS.md).
 */
export function createChatMachine(deps: ChatDeps) {
  // Read at each use, not once here: a reloaded config changes routing.judgeThreshold in place.
  const threshold = () => deps.routing.judgeThreshold;
  const view = routerViewOf(deps);
  return setup({
    types: {} as { context: ChatContext; input: ChatInput; output: ChatOutcome; events: CallEvent },
    actions: {
      lookUpCache: ({ context, self }) => {
        const key = cacheKeyOf(deps.cache!, context.input);
        deps.cache!.get(key).then(
          (hit) => self.send({ type: 'cache.done', key, hit }),
          () => self.send({ type: 'cache.done', key, hit: undefined }),
        );
      },
      recordCacheHit: assign(({ event }) => ({ cached: (event as CacheDone).hit })),
      recordCacheMiss: assign(({ context, event }) => ({
        cacheKey: (event as CacheDone).key,
        input: withUsageForCache(context.input),
      })),
      callModel: ({ context, self }) => {
        const started = deps.now();
        const input: CallInput = {
          ...callInputFor(
            context.input,
            context.plan!.candidates[context.index]!,
            context.classification!.promptTokens,
          ),
          // A cascade's first answer is judged before anything is sent: asked whole, replayed as a stream if need be.
          stream: context.input.stream && !isCascade(context),
        };
        callModel(deps, input).then(
          (result) => self.send({ type: 'call.done', result, ms: deps.now() - started }),
          (error: Error) => self.send({ type: 'call.failed', error, ms: deps.now() - started }),
        );
      },
      fuse: ({ context, self }) => {
        fuseNode(deps, context, context.ensemble!, judgeCompletion).then(
          (fused) => self.send({ type: 'fuse.done', fused }),
          (error: Error) => self.send({ type: 'fuse.failed', error }),
        );
      },
      recordFused: assign(({ event }) => {
        const { fused } = event as Extract<CallEvent, { type: 'fuse.done' }>;
        return { fused, attempts: fused.attempts };
      }),
      recordFuseError: assign(({ event }) => {
        const { error } = event as Extract<CallEvent, { type: 'fuse.failed' }>;
        return { error: error instanceof GatewayError ? error : failureFromAttempts([], error) };
      }),
      grade: ({ context, self }) => {
        gradeNode(deps, context).then(
          (grade) => self.send({ type: 'grade.done', grade }),
          () => self.send({ type: 'grade.done', grade: undefined }),
        );
      },
      recordGrade: assign(({ context, event }) =>
        applyGrade(context, (event as Extract<CallEvent, { type: 'grade.done' }>).grade, threshold()),
      ),
      classify: assign(({ context }) => classifyNode(deps, context)),
      askClassifier: ({ context, self }) => {
        secondOpinionNode(deps, context).then(
          (opinion) => self.send({ type: 'opinion.done', opinion }),
          () => self.send({ type: 'opinion.done', opinion: undefined }),
        );
      },
      recordOpinion: assign(({ context, event }) =>
        applyOpinion(deps, context, (event as Extract<CallEvent, { type: 'opinion.done' }>).opinion),
      ),
      // Routing and the ensemble it may name in one assign: each assign is a step of xstate's (and a copy of the context).
      route: assign(({ context }) => {
        const routed = routeNode(deps, view, context);
        // ensembleNode names an ensemble only when the input or the plan does: without one, no copy of the context.
        if (context.input.ensemble === undefined && (routed.plan ?? context.plan)?.ensemble === undefined)
          return routed;
        return { ...routed, ...ensembleNode({ ...context, ...routed }) };
      }),
      // The answer recorded and judged in one assign, on the way into `judge` (its events are the state's, not this).
      recordAndJudge: assign(({ context, event }) => {
        const { result, ms } = event as Extract<CallEvent, { type: 'call.done' }>;
        const attempts = [...context.attempts, { ref: currentRef(context), ms }];
        // The judge's attempts replace these (the last one with its verdict), in place: result, attempts, bestRejected.
        // Object.assign, not a spread with fields after it (a new hidden class per call on Node 20:
        // docs/BENCHMARKS.md, "Hidden classes made per request").
        return { result, ...judgeNode(Object.assign({}, context, { result, attempts }), threshold()) };
      }),
      recordError: assign(({ context, event }) => {
        const { error, ms } = event as Extract<CallEvent, { type: 'call.failed' }>;
        const kind = failureKindOf(error);
        const policy = FAILURE_POLICY[kind];
        const attempt = { ref: currentRef(context), ms, error, kind, ...(policy.attempt ? {} : { skipped: true }) };
        const provider = context.plan!.candidates[context.index]!.model.provider.id;
        const leftOut = policy.skipProvider ? new Set([...context.leftOut, provider]) : context.leftOut;
        return { attempts: [...context.attempts, attempt], leftOut };
      }),
      advance: assign(({ context }) => {
        const next = nextAfterFailure(context, deps);
        return { index: next.step === 'next_model' ? next.index : context.index + 1, result: undefined };
      }),
      fail: assign(({ context }) => ({
        error: failureFromAttempts(context.attempts, context.attempts.at(-1)?.error, retryAfterOf(context, deps)),
      })),
    },
    guards: {
      wantsCache: ({ context }) => wantsCache(deps, context),
      unsure: ({ context }) => needsSecondOpinion(deps, context),
      cacheHit: ({ event }) => (event as CacheDone).hit !== undefined,
      routeFailed: ({ context }) => context.error !== undefined,
      isEnsemble: ({ context }) => context.ensemble !== undefined && !isCascade(context),
      cascadesToEnsemble: ({ context }) =>
        isCascade(context) && context.fused === undefined && !context.input.signal.aborted,
      canRetryWithAnotherKey: ({ context }) => nextAfterFailure(context, deps).step === 'other_key',
      canFallBackAfterError: ({ context }) => nextAfterFailure(context, deps).step === 'next_model',
      accepted: ({ context }) => isAccepted(context, threshold()),
      acceptedButUngraded: ({ context }) => isAccepted(context, threshold()) && needsGrade(deps, context),
      canFallBack: ({ context }) => nextAfterFailure(context, deps).step === 'next_model',
      hasBestRejected: ({ context }) => context.bestRejected !== undefined,
    },
  }).createMachine({
    id: 'chat',
    context: ({ input }) => ({ input, startedAt: deps.now(), index: 0, attempts: [], leftOut: NO_PROVIDERS }),
    initial: 'classify',
    output: ({ context }) => outcomeOf(context, threshold()),
    states: {
      // The cache comes after classify, not before: whether it is on may depend on the matched rule (`cache: true`),
      // and the rule on the classification. So each request is classified and matched once (classify costs ~13 µs).
      classify: { entry: 'classify', always: [{ guard: 'unsure', target: 'secondOpinion' }, ...AFTER_CLASSIFY] },
      // A prompt the classifier is unsure of, labelled by routing.llmClassifier's model (nodes/second-opinion.ts).
      secondOpinion: {
        entry: 'askClassifier',
        on: { 'opinion.done': { target: 'classified', actions: 'recordOpinion' } },
      },
      classified: { always: AFTER_CLASSIFY },
      cache: {
        entry: 'lookUpCache',
        on: {
          'cache.done': [
            { guard: 'cacheHit', target: 'cached', actions: 'recordCacheHit' },
            { target: 'route', actions: 'recordCacheMiss' },
          ],
        },
      },
      route: {
        entry: 'route',
        always: [
          { guard: 'routeFailed', target: 'failed' },
          { guard: 'isEnsemble', target: 'fuse' },
          { target: 'call' },
        ],
      },
      fuse: {
        entry: 'fuse',
        on: {
          'fuse.done': { target: 'done', actions: 'recordFused' },
          'fuse.failed': { target: 'failed', actions: 'recordFuseError' },
        },
      },
      call: {
        entry: 'callModel',
        on: {
          'call.done': { target: 'judge', actions: 'recordAndJudge' },
          'call.failed': { target: 'failedAttempt', actions: 'recordError' },
        },
      },
      judge: { always: [{ guard: 'acceptedButUngraded', target: 'grade' }, ...AFTER_JUDGEMENT] },
      grade: {
        entry: 'grade',
        on: { 'grade.done': { target: 'judged', actions: 'recordGrade' } },
      },
      judged: { always: AFTER_JUDGEMENT },
      failedAttempt: {
        always: [
          { guard: 'canRetryWithAnotherKey', target: 'call' },
          { guard: 'cascadesToEnsemble', target: 'fuse' },
          { guard: 'canFallBackAfterError', target: 'fallback' },
          { target: 'exhausted' },
        ],
      },
      fallback: { always: { target: 'call', actions: 'advance' } },
      exhausted: {
        always: [
          { guard: 'hasBestRejected', target: 'done' },
          { target: 'failed', actions: 'fail' },
        ],
      },
      done: { type: 'final' },
      cached: { type: 'final' },
      failed: { type: 'final' },
    },
  });
}

type CacheDone = Extract<CallEvent, { type: 'cache.done' }>;

/** A run leaves no provider out until a failure says so (the set is replaced, never changed). */
const NO_PROVIDERS: ReadonlySet<string> = new Set();

function currentRef(context: ChatContext): string {
  return context.plan!.candidates[context.index]!.model.ref;
}

function isCascade(context: ChatContext): boolean {
  return context.ensemble?.strategy === 'cascade';
}

/** The cache's answer, else the ensemble's, else the accepted answer, else the best rejected one, else the error. */
function outcomeOf(context: ChatContext, threshold: number): ChatOutcome {
  const { attempts, cacheKey, input } = context;
  const classification = context.classification!;
  if (context.cached) {
    return {
      kind: 'cached',
      completion: context.cached,
      attempts,
      classification,
      ...(context.rule ? { rule: context.rule.name } : {}),
    };
  }
  if (context.error) return { kind: 'error', error: context.error, attempts, cacheKey, classification };
  const plan = context.plan!;
  const run = { startedAt: context.startedAt, leftOut: context.leftOut };
  if (context.fused) {
    const { result, candidate, fused } = context.fused;
    return { kind: 'answer', result, candidate, attempts, classification, plan, fused, input, cacheKey, ...run };
  }
  if (context.result && isAccepted(context, threshold)) {
    const candidate = plan.candidates[context.index]!;
    return {
      kind: 'answer',
      result: context.result,
      candidate,
      attempts,
      classification,
      plan,
      input,
      cacheKey,
      ...run,
    };
  }
  const best = context.bestRejected!;
  return {
    kind: 'answer',
    result: best.result,
    candidate: best.candidate,
    attempts,
    classification,
    plan,
    input,
    cacheKey,
    ...run,
  };
}
