// The request graph's entry point: runs one request through the statechart and shapes the result for the server.
import { createActor, toPromise } from 'xstate';
import type { GatewayError } from '../../src/errors.js';
import type { ResolvedModel } from '../../src/providers/registry.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/providers/types.js';
import type { CallResult, ChatDeps, ChatInput, ChatOutcome } from './context.js';
import { createContinuation } from './continue.js';
import { createGraphEventProjector } from './events.js';
import { createChatMachine } from './machine.js';
import { finishCompletion, streamToClient, type StreamOptions } from './respond.js';
import { runRecord } from './outcome-record.js';
import type { RunRecord } from './run-record.js';
import { completionToChunks } from '../../src/providers/assemble.js';

export type { ChatDeps, ChatInput } from './context.js';

/** What the server sends: a whole completion, a stream that has started, or an error. */
export type ChatRun =
  | { kind: 'completion'; completion: ChatCompletion; model: ResolvedModel; attempts: number }
  | { kind: 'stream'; chunks: AsyncGenerator<ChatCompletionChunk>; model: ResolvedModel; attempts: number }
  | { kind: 'error'; error: GatewayError; attempts: number };

export interface ChatGraph {
  run(input: ChatInput): Promise<ChatRun>;
}

/** A whole answer for a client that streams (an ensemble's, a cascade's): replayed as the chunks it adds up to. */
function asStream(result: CallResult): CallResult {
  if (result.kind === 'stream') return result;
  const chunks = completionToChunks(result.completion, false);
  const rest: AsyncIterator<ChatCompletionChunk> = { next: async () => ({ done: true, value: undefined }) };
  return { kind: 'stream', stream: { head: chunks, rest, done: true } };
}

/** Judge scores of the run's answers go to the live stats (an answer judged only as "streaming" was not really judged). */
function recordQualities(deps: ChatDeps, outcome: ChatOutcome): void {
  if (deps.stats === undefined) return;
  for (const attempt of outcome.attempts) {
    const { verdict } = attempt;
    if (verdict !== undefined && !verdict.reasons.includes('streaming')) deps.stats.recordQuality(attempt.ref, verdict.score);
  }
}

/** Builds the request graph once; each `run` is one short-lived actor of it. */
export function createChatGraph(deps: ChatDeps): ChatGraph {
  const machine = createChatMachine(deps);
  return {
    async run(input) {
      const { emitter } = input;
      emitter.emit('run_started', undefined, () => ({ kind: 'chat', model: input.request.model, stream: input.stream }));
      const inspect = emitter.active ? createGraphEventProjector(emitter, deps.now, deps.routing.judgeThreshold) : undefined;
      const outcome = await toPromise(createActor(machine, inspect ? { input, inspect } : { input }).start());
      recordQualities(deps, outcome);
      // Candidates skipped without a call (keys resting, circuit open) are not attempts.
      const attempts = outcome.attempts.filter((a) => !a.skipped).length;
      const save = (extra: Partial<RunRecord> = {}) => {
        if (input.recorded) deps.runs?.save(runRecord(input, outcome, deps.now(), extra));
      };
      if (outcome.kind === 'error') {
        emitter.emit('run_failed', undefined, () => ({ status: outcome.error.status, message: outcome.error.message, attempts }));
        save();
        return { kind: 'error', error: outcome.error, attempts };
      }
      const { model } = outcome.candidate;
      const info = { ref: model.ref, attempts, classification: outcome.classification, emitter };
      const result = input.stream ? asStream(outcome.result) : outcome.result;
      if (result.kind === 'completion') {
        save();
        return { kind: 'completion', completion: finishCompletion(result.completion, info), model, attempts };
      }
      const { head, rest } = result.stream;
      const continueStream = createContinuation({
        deps, input, plan: outcome.plan, from: outcome.candidate, promptTokens: outcome.classification.promptTokens, callsLeft: deps.routing.maxAttempts - attempts,
      });
      const options: StreamOptions = {
        includeUsage: input.request.stream_options?.include_usage === true,
        continueStream,
        // An ensemble's answer replayed whole already counts every call; a synthesis streams the aggregator's alone.
        ...(outcome.fused !== undefined && outcome.result.kind === 'stream' ? { extraUsage: outcome.fused.usage } : {}),
        onEnd: ({ ok, continuedBy }) => save({ ...(ok ? {} : { status: 'failed' as const }), ...(continuedBy === undefined ? {} : { continued_by: continuedBy }) }),
      };
      return { kind: 'stream', chunks: streamToClient(head, rest, info, options), model, attempts };
    },
  };
}
