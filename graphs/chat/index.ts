// The request graph's entry point: runs one request through the statechart and shapes the result for the server.
import type { GatewayError } from '../../src/errors.js';
import type { ResolvedModel } from '../../src/catalog/types.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/providers/types.js';
import type { Attempt, CallResult, ChatDeps, ChatInput, ChatOutcome } from './context.js';
import { createContinuation } from './continue.js';
import { cachedAsItEnds, replayCached } from './nodes/cache.js';
import { createGraphEventProjector } from './events.js';
import { runnerFor, xstateRunner } from './flat-machine.js';
import { createChatMachine } from './machine.js';
import { finishCompletion, streamToClient, type StreamOptions } from './respond.js';
import { recordClusterEvidence, runRecord } from './outcome-record.js';
import type { RunRecord } from './run-record.js';
import { completionToChunks } from '../../src/providers/assemble.js';
import { countsInStats } from '../../src/routing/stats.js';

export type { ChatDeps, ChatInput } from './context.js';

/** What the server sends: a whole completion, a stream that has started, the cache's answer, or an error. */
export type ChatRun = (
  | { kind: 'completion'; completion: ChatCompletion; model: ResolvedModel; attempts: number }
  | { kind: 'stream'; chunks: AsyncGenerator<ChatCompletionChunk>; model: ResolvedModel; attempts: number }
  // The response cache's answer, no call made: `completion.model` names the model that wrote it; `chunks` replays it
  // when the client streams.
  | { kind: 'cached'; completion: ChatCompletion; chunks?: AsyncGenerator<ChatCompletionChunk>; attempts: 0 }
  | { kind: 'error'; error: GatewayError; attempts: number }
) & {
  /** The run looked its request up in the response cache: found (`hit`) or not (`miss`, stored if it ends whole). */
  cache?: 'hit' | 'miss';
};

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

/**
 * What the run's calls say of their models, to the live stats: judge scores (with the request's task: evidence for
 * the bandit's arm in the same update), and for the arm alone a failure that counts against the model (the failure
 * policy's `stats` column) as 0 and a streamed answer the judge could not read (sent as it came) as 1.
 */
function recordEvidence(deps: ChatDeps, outcome: ChatOutcome): void {
  const { stats } = deps;
  if (stats === undefined) return;
  const task = outcome.classification?.task;
  for (const attempt of outcome.attempts) {
    const { verdict, kind, ref } = attempt;
    if (verdict !== undefined && !verdict.reasons.includes('streaming')) stats.recordQuality(ref, verdict.score, task);
    else if (task === undefined) continue;
    else if (verdict !== undefined) stats.recordAnswer?.(ref, task, 1);
    else if (kind !== undefined && countsInStats(kind)) stats.recordAnswer?.(ref, task, 0);
  }
  recordClusterEvidence(stats, outcome);
}

/** How the graph runs its statechart; `xstate` (its own actor even for a flat machine) is for tests and benches. */
export interface ChatGraphOptions {
  interpreter?: 'flat' | 'xstate';
}

/**
 * Builds the request graph once; each `run` takes one input through its statechart: with the flat runner when the
 * machine is flat (flat-machine.ts says why), else as one short-lived xstate actor.
 */
export function createChatGraph(deps: ChatDeps, options: ChatGraphOptions = {}): ChatGraph {
  const machine = createChatMachine(deps);
  const runMachine =
    options.interpreter === 'xstate'
      ? xstateRunner<ChatInput, ChatOutcome>(machine)
      : runnerFor<ChatInput, ChatOutcome>(machine);
  return {
    async run(input) {
      const { emitter } = input;
      emitter.emit('run_started', undefined, () => ({
        kind: 'chat',
        model: input.request.model,
        stream: input.stream,
      }));
      const inspect = emitter.active
        ? createGraphEventProjector(emitter, deps.now, deps.routing.judgeThreshold)
        : undefined;
      const outcome = await runMachine(input, inspect);
      recordEvidence(deps, outcome);
      const save: SaveRecord = (extra = {}) => {
        if (input.recorded) deps.runs?.save(runRecord(input, outcome, deps.now(), extra));
      };
      if (outcome.kind === 'cached') return cachedRun(input, outcome.completion, save);
      return answeredRun(deps, input, outcome, save);
    },
  };
}

type SaveRecord = (extra?: Partial<RunRecord>) => void;

/** The cache's answer: the run ends with no call (whole, or replayed as a stream when the client streams). */
function cachedRun(input: ChatInput, completion: ChatCompletion, save: SaveRecord): ChatRun {
  input.emitter.emit('run_finished', undefined, () => ({
    model: completion.model,
    attempts: 0,
    usage: completion.usage,
  }));
  save();
  const replay = input.stream
    ? { chunks: replayCached(completion, input.request.stream_options?.include_usage === true) }
    : {};
  return { kind: 'cached', completion, ...replay, attempts: 0, cache: 'hit' };
}

/** The attempts that made a call: candidates skipped without one (keys resting, circuit open) are not attempts. */
function callsMade(attempts: readonly Attempt[]): number {
  let calls = 0;
  for (const attempt of attempts) if (!attempt.skipped) calls += 1;
  return calls;
}

/** A routed run's answer or error; an answer the cache missed is stored once it has ended whole. */
function answeredRun(
  deps: ChatDeps,
  input: ChatInput,
  outcome: Exclude<ChatOutcome, { kind: 'cached' }>,
  save: SaveRecord,
): ChatRun {
  const { emitter } = input;
  const attempts = callsMade(outcome.attempts);
  const { cacheKey } = outcome;
  const missed = cacheKey === undefined ? {} : { cache: 'miss' as const };
  if (outcome.kind === 'error') {
    emitter.emit('run_failed', undefined, () => ({
      status: outcome.error.status,
      message: outcome.error.message,
      attempts,
    }));
    save();
    return { kind: 'error', error: outcome.error, attempts, ...missed };
  }
  const { model } = outcome.candidate;
  const info = { ref: model.ref, attempts, classification: outcome.classification, emitter };
  const result = input.stream ? asStream(outcome.result) : outcome.result;
  if (result.kind === 'completion') {
    save();
    const completion = finishCompletion(result.completion, info);
    if (cacheKey !== undefined) void deps.cache!.put(cacheKey, completion);
    return { kind: 'completion', completion, model, attempts, ...missed };
  }
  const { head, rest } = result.stream;
  // The input as the calls used it: a stream the cache will store asked the upstream for its usage.
  const sent = outcome.input;
  const continueStream = createContinuation({
    deps,
    input: sent,
    plan: outcome.plan,
    from: outcome.candidate,
    promptTokens: outcome.classification.promptTokens,
    calls: attempts,
    startedAt: outcome.startedAt,
    leftOut: outcome.leftOut,
  });
  const options: StreamOptions = {
    includeUsage: sent.request.stream_options?.include_usage === true,
    continueStream,
    // An ensemble's answer replayed whole already counts every call; a synthesis streams the aggregator's alone.
    ...(outcome.fused !== undefined && outcome.result.kind === 'stream' ? { extraUsage: outcome.fused.usage } : {}),
    // After a mid-stream continuation the record names the model that finished the answer, and the one that started it.
    onEnd: ({ ok, continuedBy }) =>
      save({
        ...(ok ? {} : { status: 'failed' as const }),
        ...(continuedBy === undefined ? {} : { model: continuedBy, started_by: model.ref }),
      }),
  };
  const chunks = streamToClient(head, rest, info, options);
  if (cacheKey === undefined) return { kind: 'stream', chunks, model, attempts };
  const clientWantsUsage = input.request.stream_options?.include_usage === true;
  return {
    kind: 'stream',
    chunks: cachedAsItEnds(deps.cache!, cacheKey, chunks, clientWantsUsage),
    model,
    attempts,
    ...missed,
  };
}
