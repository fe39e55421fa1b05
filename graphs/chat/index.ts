// The request graph's entry point: runs one request through the statechart and shapes the result for the server.
import { createActor, toPromise } from 'xstate';
import type { GatewayError } from '../../src/errors.js';
import type { ResolvedModel } from '../../src/providers/registry.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/providers/types.js';
import type { ChatDeps, ChatInput } from './context.js';
import { createContinuation } from './continue.js';
import { createGraphEventProjector } from './events.js';
import { createChatMachine } from './machine.js';
import { finishCompletion, streamToClient } from './respond.js';

export type { ChatDeps, ChatInput } from './context.js';

/** What the server sends: a whole completion, a stream that has started, or an error. */
export type ChatRun =
  | { kind: 'completion'; completion: ChatCompletion; model: ResolvedModel; attempts: number }
  | { kind: 'stream'; chunks: AsyncGenerator<ChatCompletionChunk>; model: ResolvedModel; attempts: number }
  | { kind: 'error'; error: GatewayError; attempts: number };

export interface ChatGraph {
  run(input: ChatInput): Promise<ChatRun>;
}

/** Builds the request graph once; each `run` is one short-lived actor of it. */
export function createChatGraph(deps: ChatDeps): ChatGraph {
  const machine = createChatMachine(deps);
  return {
    async run(input) {
      const { emitter } = input;
      emitter.emit('run_started', undefined, () => ({ kind: 'chat', model: input.route.model, stream: input.stream }));
      const inspect = emitter.active ? createGraphEventProjector(emitter, deps.now, deps.routing.judgeThreshold) : undefined;
      const outcome = await toPromise(createActor(machine, inspect ? { input, inspect } : { input }).start());
      // Candidates skipped without a call (keys resting, circuit open) are not attempts.
      const attempts = outcome.attempts.filter((a) => !a.skipped).length;
      if (outcome.kind === 'error') {
        emitter.emit('run_failed', undefined, () => ({ status: outcome.error.status, message: outcome.error.message, attempts }));
        return { kind: 'error', error: outcome.error, attempts };
      }
      const { model } = outcome.candidate;
      const info = { ref: model.ref, attempts, classification: outcome.classification, emitter };
      if (outcome.result.kind === 'completion') {
        return { kind: 'completion', completion: finishCompletion(outcome.result.completion, info), model, attempts };
      }
      const { head, rest } = outcome.result.stream;
      const includeUsage = input.request.stream_options?.include_usage === true;
      const continueStream = createContinuation({
        deps, input, plan: outcome.plan, from: outcome.candidate, promptTokens: outcome.classification.promptTokens, callsLeft: deps.routing.maxAttempts - attempts,
      });
      return { kind: 'stream', chunks: streamToClient(head, rest, info, { includeUsage, continueStream }), model, attempts };
    },
  };
}
