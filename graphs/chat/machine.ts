// The request statechart: classify → route → call → judge → (done | fallback → call | exhausted). Wiring only.
import { assign, fromPromise, setup } from 'xstate';
import type { ProviderError } from '../../src/providers/errors.js';
import type { CallResult, ChatContext, ChatDeps, ChatInput, ChatOutcome } from './context.js';
import { failureFromAttempts, nextAfterFailure } from './edges.js';
import { callModel, type CallInput } from './nodes/call.js';
import { classifyNode } from './nodes/classify.js';
import { isAccepted, judgeNode } from './nodes/judge.js';
import { routeNode } from './nodes/route.js';

type NodeName = 'classify' | 'route' | 'call' | 'judge';
/** A graph node: emits node_started, runs its work on entry, and node_finished on exit. */
const node = (name: NodeName, work?: 'classify' | 'route' | 'judge') => ({
  entry: [{ type: 'nodeStarted' as const, params: { node: name } }, ...(work ? [work] : [])],
  exit: { type: 'nodeFinished' as const, params: { node: name } },
});

/** Builds the request machine; its actors and actions are named, so tests can `provide` others. */
export function createChatMachine(deps: ChatDeps) {
  const threshold = deps.routing.judgeThreshold;
  return setup({
    types: {} as { context: ChatContext; input: ChatInput; output: ChatOutcome },
    actors: {
      callModel: fromPromise<CallResult, CallInput>(({ input }) => callModel(deps, input)),
    },
    actions: {
      nodeStarted: assign(({ context }, { node: name }: { node: NodeName }) => {
        context.input.emitter.emit('node_started', name);
        return { nodeStartedAt: deps.now() };
      }),
      // Emitting from assign, not a plain action: xstate v5 defers plain actions to the end of the macrostep,
      // which would report a node finished after the next one started.
      nodeFinished: assign(({ context }, { node: name }: { node: NodeName }) => {
        context.input.emitter.emit('node_finished', name, () => ({ duration_ms: deps.now() - context.nodeStartedAt }));
        return {};
      }),
      classify: assign(({ context }) => classifyNode(context)),
      route: assign(({ context }) => routeNode(deps, context)),
      recordResult: assign(({ context, event }) => ({
        result: (event as unknown as { output: CallResult }).output,
        attempts: [...context.attempts, { ref: currentRef(context), ms: deps.now() - context.nodeStartedAt }],
      })),
      recordError: assign(({ context, event }) => {
        const error = (event as unknown as { error: ProviderError }).error;
        context.input.emitter.emit('attempt_failed', 'call', () => ({ model: currentRef(context), kind: error.kind, message: error.message }));
        return { attempts: [...context.attempts, { ref: currentRef(context), ms: deps.now() - context.nodeStartedAt, error }] };
      }),
      judge: assign(({ context }) => judgeNode(context, threshold)),
      advance: assign(({ context }) => ({ index: context.index + 1, result: undefined })),
      fail: assign(({ context }) => ({ error: failureFromAttempts(context.attempts, context.attempts.at(-1)?.error) })),
    },
    guards: {
      routeFailed: ({ context }) => context.error !== undefined,
      canFallBackAfterError: ({ context }) => nextAfterFailure(context, deps, context.attempts.at(-1)?.error) === 'fallback',
      accepted: ({ context }) => isAccepted(context, threshold),
      canFallBack: ({ context }) => nextAfterFailure(context, deps) === 'fallback',
      hasBestRejected: ({ context }) => context.bestRejected !== undefined,
    },
  }).createMachine({
    id: 'chat',
    context: ({ input }) => ({ input, startedAt: deps.now(), index: 0, attempts: [], nodeStartedAt: deps.now() }),
    initial: 'classify',
    output: ({ context }) => outcomeOf(context, threshold),
    states: {
      classify: { ...node('classify', 'classify'), always: 'route' },
      route: { ...node('route', 'route'), always: [{ guard: 'routeFailed', target: 'failed' }, { target: 'call' }] },
      call: {
        ...node('call'),
        invoke: {
          src: 'callModel',
          input: ({ context }) => ({
            candidate: context.plan!.candidates[context.index]!,
            request: context.input.request,
            stream: context.input.stream,
            signal: context.input.signal,
          }),
          onDone: { target: 'judge', actions: 'recordResult' },
          onError: { target: 'failedAttempt', actions: 'recordError' },
        },
      },
      judge: {
        ...node('judge', 'judge'),
        always: [{ guard: 'accepted', target: 'done' }, { guard: 'canFallBack', target: 'fallback' }, { target: 'exhausted' }],
      },
      failedAttempt: { always: [{ guard: 'canFallBackAfterError', target: 'fallback' }, { target: 'exhausted' }] },
      fallback: { always: { target: 'call', actions: 'advance' } },
      exhausted: { always: [{ guard: 'hasBestRejected', target: 'done' }, { target: 'failed', actions: 'fail' }] },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  });
}

function currentRef(context: ChatContext): string {
  return context.plan!.candidates[context.index]!.model.ref;
}

/** The accepted answer, else the best rejected one, else the error. */
function outcomeOf(context: ChatContext, threshold: number): ChatOutcome {
  const { attempts } = context;
  if (context.error) return { kind: 'error', error: context.error, attempts };
  if (context.result && isAccepted(context, threshold)) {
    const candidate = context.plan!.candidates[context.index]!;
    return { kind: 'answer', result: context.result, candidate, attempts, classification: context.classification! };
  }
  const best = context.bestRejected!;
  return { kind: 'answer', result: best.result, candidate: best.candidate, attempts, classification: context.classification! };
}
