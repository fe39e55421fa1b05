// Runs one parsed chat request through the request graph for any door (chat completions, contextual chat, Responses,
// Anthropic Messages): run id, cache scope, the caller's model filter, the abort on disconnect, Switchboard's answer
// headers and the request log. Each door then writes the answer in its own wire format.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ChatInput } from '../../graphs/chat/index.js';
import { badRequest } from '../errors.js';
import { applyAlias } from '../routing/aliases.js';
import { createEventBus, createRunEmitter } from '../events/publisher.js';
import { RunAbort, type RunSignal } from '../providers/run-signal.js';
import type { ChatCompletion, ChatCompletionChunk } from '../providers/types.js';
import type { ParsedChat } from './chat-body.js';
import type { AppDeps } from './deps.js';
import { allowedModels, callerOf } from './middleware/client-auth.js';
import type { RequestTrack } from './request-log/index.js';
import { promptText } from './request-log/content.js';
import { isStopAbort } from './shutdown.js';

const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** `on` asks for the response cache; the answer says `hit` or `miss` when the run looked its request up. */
const CACHE_HEADER = 'x-switchboard-cache';
/** The bus of runs nobody can follow: it has no sinks, so their events are never built. */
const UNRECORDED = createEventBus();

/**
 * A run's answer in OpenAI's chat shapes, for the door to translate: whole, or chunks to stream. `signal` aborts when
 * the client goes away; `runId` names the run (also sent as `x-switchboard-run-id`).
 */
export type ChatAnswer = { runId: string; signal: RunSignal } & (
  | { kind: 'completion'; completion: ChatCompletion }
  | { kind: 'stream'; chunks: AsyncGenerator<ChatCompletionChunk> }
);

/**
 * Runs `parsed` for the caller of `req`, sets the `x-switchboard-*` answer headers and tells `track` how it went. A
 * failed run throws its error (the door's error handler answers it). A stream's chunks are watched by `track`.
 */
export async function runChat(
  deps: AppDeps,
  req: Request,
  res: Response,
  parsed: ParsedChat,
  track: RequestTrack,
): Promise<ChatAnswer> {
  // Every door's model names go through the one alias table (docs/CONFIG.md), before anything reads the model.
  applyAlias(deps.registry, deps.config.aliases, parsed);
  const chosen = req.get('x-switchboard-run-id');
  const runId = pickRunId(chosen);
  track.run(runId);
  if (parsed.stream) track.streamed();
  if (track.logsContent) track.prompt(() => promptText(parsed.request.messages, deps.config.logging.contentMaxChars));
  // Only runs a client can follow are recorded (docs/EVENTS.md); the others publish to a bus with no sinks.
  const recorded = chosen !== undefined || deps.config.events.recordAll;
  const bus = recorded ? deps.bus : UNRECORDED;
  res.setHeader('x-switchboard-run-id', runId);
  const caller = callerOf(res);
  const client = caller.kind === 'client' ? caller.client : undefined;
  // Each client key has its own cache entries: keys may be allowed different models, and one client's answers are
  // not another's to read. The request graph decides whether to look up (the header, or a rule with `cache: true`).
  const scope = client === undefined ? caller.kind : `client:${client.id}`;
  const cache = { asked: req.get(CACHE_HEADER)?.toLowerCase() === 'on', scope };
  const allows = allowedModels(deps.clientKeys, caller);
  if (allows !== undefined) parsed.route.allows = allows;
  // A RunAbort, not an AbortController: a real AbortSignal costs microseconds to make, and is made only for the rare
  // part of a run that needs one (toAbortSignal).
  const signal = new RunAbort();
  // The gateway's stop ends a run its grace period did not see finish, with the stop's error as the reason.
  const stopping = deps.shutdown?.signal;
  const onStop = () => signal.abort(stopping?.reason);
  const unlisten = stopping === undefined ? undefined : whenStopping(stopping, onStop);
  res.on('close', () => {
    unlisten?.();
    if (!res.writableFinished) signal.abort();
  });
  const emitter = createRunEmitter(bus, runId, undefined, { client: client?.id });
  // Named field by field, not `{ ...parsed, signal, ... }`: on Node 20 that gives the object a new hidden class on
  // every request (docs/BENCHMARKS.md, "Hidden classes made per request").
  const input: ChatInput = {
    request: parsed.request,
    route: parsed.route,
    stream: parsed.stream,
    signal,
    emitter,
    recorded,
    cache,
  };
  if (parsed.ensemble !== undefined) input.ensemble = parsed.ensemble;
  if (client !== undefined) input.client = client;
  const run = await deps.chat.run(input);
  if (run.cache !== undefined) {
    deps.metrics.recordCache(run.cache === 'hit');
    res.setHeader(CACHE_HEADER, run.cache);
  }
  res.setHeader('x-switchboard-attempts', String(run.attempts));
  if (run.kind === 'error') throw isStopAbort(signal) ? signal.reason : run.error;
  if (run.kind === 'cached') {
    // No model was called: the header names the one that wrote the stored answer.
    res.setHeader('x-switchboard-model', run.completion.model);
    track.cacheHit(run.completion.model);
    if (run.chunks === undefined) return { runId, signal, kind: 'completion', completion: run.completion };
    return { runId, signal, kind: 'stream', chunks: run.chunks };
  }
  res.setHeader('x-switchboard-provider', run.model.provider.id);
  res.setHeader('x-switchboard-model', run.model.ref);
  track.answeredBy(run.model.ref, run.model.provider.id);
  if (run.kind === 'completion') {
    const { completion } = run;
    if (track.logsContent) track.answer(() => completion.choices[0]?.message.content ?? '');
    return { runId, signal, kind: 'completion', completion };
  }
  return { runId, signal, kind: 'stream', chunks: track.watch(run.chunks) };
}

/** The runs in flight under each stop signal: one listener on the signal stops them all, in the order they came. */
const RUNS = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `stop` when `signal` aborts (at once if it has); returns what forgets it. A listener per run on the signal (an
 * EventTarget) would cost some microseconds a request to add and remove; a Set entry costs next to nothing.
 */
function whenStopping(signal: AbortSignal, stop: () => void): (() => void) | undefined {
  if (signal.aborted) {
    stop();
    return undefined;
  }
  let runs = RUNS.get(signal);
  if (runs === undefined) {
    const all = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        for (const run of [...all]) run();
        all.clear();
      },
      { once: true },
    );
    RUNS.set(signal, (runs = all));
  }
  const mine = runs;
  mine.add(stop);
  return () => void mine.delete(stop);
}

/** The run id the client chose (`x-switchboard-run-id`, checked: 400 when malformed), or a new one. */
export function pickRunId(chosen: string | undefined): string {
  if (chosen === undefined) return `run_${randomUUID()}`;
  if (!RUN_ID.test(chosen))
    throw badRequest(
      'x-switchboard-run-id must be 1-128 letters, digits, ".", "_", ":" or "-"',
      'x-switchboard-run-id',
    );
  return chosen;
}
