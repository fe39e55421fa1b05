// The request statechart: classify → route → call → judge → (done | fallback → call | exhausted). Wiring only;
// run events are projected from its transitions (events.ts), so the nodes stay pure.
import { assign, setup } from 'xstate';
import { isKeyUnavailable } from '../../src/accounts/errors.js';
import type { CallResult, ChatContext, ChatDeps, ChatInput, ChatOutcome } from './context.js';
import { failureFromAttempts, nextAfterFailure } from './edges.js';
import { callModel, type CallInput } from './nodes/call.js';
import { classifyNode } from './nodes/classify.js';
import { isAccepted, judgeNode } from './nodes/judge.js';
import { routeNode } from './nodes/route.js';

/** The events the call node sends its own actor when the upstream call settles. */
export type CallEvent = { type: 'call.done'; result: CallResult; ms: number } | { type: 'call.failed'; error: Error; ms: number };

/**
 * Builds the request machine; its actions are named, so tests can `provide` others. The upstream call is a named
 * action that reports back with `call.done` / `call.failed` rather than an invoked promise actor: a child actor
 * per call cost ~50 µs of CPU per request in the gateway (docs/BENCHMARKS.md).
 */
export function createChatMachine(deps: ChatDeps) {
  const threshold = deps.routing.judgeThreshold;
  return setup({
    types: {} as { context: ChatContext; input: ChatInput; output: ChatOutcome; events: CallEvent },
    actions: {
      callModel: ({ context, self }) => {
        const started = deps.now();
        const input: CallInput = {
          candidate: context.plan!.candidates[context.index]!,
          request: context.input.request,
          stream: context.input.stream,
          signal: context.input.signal,
          promptTokens: context.classification!.promptTokens,
          runId: context.input.emitter.runId,
          ...(context.input.client === undefined ? {} : { clientId: context.input.client.id }),
        };
        callModel(deps, input).then(
          (result) => self.send({ type: 'call.done', result, ms: deps.now() - started }),
          (error: Error) => self.send({ type: 'call.failed', error, ms: deps.now() - started }),
        );
      },
      classify: assign(({ context }) => classifyNode(context)),
      route: assign(({ context }) => routeNode(deps, context)),
      recordResult: assign(({ context, event }) => {
        const { result, ms } = event as Extract<CallEvent, { type: 'call.done' }>;
        return { result, attempts: [...context.attempts, { ref: currentRef(context), ms }] };
      }),
      recordError: assign(({ context, event }) => {
        const { error, ms } = event as Extract<CallEvent, { type: 'call.failed' }>;
        const attempt = { ref: currentRef(context), ms, error, ...(isKeyUnavailable(error) ? { skipped: true } : {}) };
        return { attempts: [...context.attempts, attempt] };
      }),
      judge: assign(({ context }) => judgeNode(context, threshold)),
      advance: assign(({ context }) => ({ index: context.index + 1, result: undefined })),
      fail: assign(({ context }) => ({ error: failureFromAttempts(context.attempts, context.attempts.at(-1)?.error) })),
    },
    guards: {
      routeFailed: ({ context }) => context.error !== undefined,
      canRetryWithAnotherKey: ({ context }) => nextAfterFailure(context, deps, context.attempts.at(-1)?.error) === 'retry_key',
      canFallBackAfterError: ({ context }) => nextAfterFailure(context, deps, context.attempts.at(-1)?.error) === 'fallback',
      accepted: ({ context }) => isAccepted(context, threshold),
      canFallBack: ({ context }) => nextAfterFailure(context, deps) === 'fallback',
      hasBestRejected: ({ context }) => context.bestRejected !== undefined,
    },
  }).createMachine({
    id: 'chat',
    context: ({ input }) => ({ input, startedAt: deps.now(), index: 0, attempts: [] }),
    initial: 'classify',
    output: ({ context }) => outcomeOf(context, threshold),
    states: {
      classify: { entry: 'classify', always: 'route' },
      route: { entry: 'route', always: [{ guard: 'routeFailed', target: 'failed' }, { target: 'call' }] },
      call: {
        entry: 'callModel',
        on: {
          'call.done': { target: 'judge', actions: 'recordResult' },
          'call.failed': { target: 'failedAttempt', actions: 'recordError' },
        },
      },
      judge: {
        entry: 'judge',
        always: [{ guard: 'accepted', target: 'done' }, { guard: 'canFallBack', target: 'fallback' }, { target: 'exhausted' }],
      },
      failedAttempt: {
        always: [{ guard: 'canRetryWithAnotherKey', target: 'call' }, { guard: 'canFallBackAfterError', target: 'fallback' }, { target: 'exhausted' }],
      },
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
    return { kind: 'answer', result: context.result, candidate, attempts, classification: context.classification!, plan: context.plan! };
  }
  const best = context.bestRejected!;
  return { kind: 'answer', result: best.result, candidate: best.candidate, attempts, classification: context.classification!, plan: context.plan! };
}
