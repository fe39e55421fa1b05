// Turns an answer into what the client receives: model named `provider/model`, usage filled in, events closed.
import type { RunEmitter } from '../../src/events/publisher.js';
import { WIRE, type ChatCompletion, type ChatCompletionChunk, type Usage } from '../../src/providers/types.js';
import { sumUsage } from '../../src/routing/fuse.js';
import { trimOverlap, type ContinueStream } from './continue.js';
import { estimateUsage } from './usage.js';
import { createWireSplicer } from './wire.js';
import type { Classification } from '../../src/routing/types.js';

export interface RespondInfo {
  ref: string;
  attempts: number;
  classification: Classification;
  emitter: RunEmitter;
}

/** The completion as sent (its usage was filled in by the call node): public model id; emits run_finished. */
export function finishCompletion(completion: ChatCompletion, info: RespondInfo): ChatCompletion {
  completion.model = info.ref;
  info.emitter.emit('run_finished', undefined, () => ({
    model: info.ref,
    attempts: info.attempts,
    usage: completion.usage,
  }));
  return completion;
}

export interface StreamOptions {
  /** The client asked for a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** Finishes the answer on another model when the stream breaks after text was sent (mid-stream failover). */
  continueStream?: ContinueStream;
  /** Usage of other calls behind this answer (an ensemble's members), added to the stream's own. */
  extraUsage?: Usage;
  /** Told when the stream ended: whole (and which model continued it, if one did) or failed. */
  onEnd?: (end: { ok: boolean; continuedBy?: string }) => void;
}

/**
 * The chunks as sent: head then the rest of the upstream stream, each with the first chunk's id and the public id of
 * the model that wrote it; the usage chunk passed on only when asked for (counted when the provider sent none). When
 * the upstream breaks after text was sent, the next model continues the answer (an `attempt_failed` event with
 * `mid_stream` and `continued_by` says so), and the chunks from then on, the usage chunk and run_finished name that
 * model: the response's headers, already sent, can only name the first. When no model can continue, run_failed is
 * emitted and the error re-thrown for the server to end the stream with an error event, never a silent cut.
 */
export async function* streamToClient(
  head: ChatCompletionChunk[],
  rest: AsyncIterator<ChatCompletionChunk>,
  info: RespondInfo,
  options: StreamOptions,
): AsyncGenerator<ChatCompletionChunk> {
  let usage: Usage | undefined;
  let text = '';
  let last: ChatCompletionChunk | undefined;
  let identity: { id: string; created: number } | undefined;
  let ref = info.ref;
  const { emitter } = info;
  const splice = createWireSplicer(options.includeUsage);
  // Whether to send the chunk (the provider's usage chunk is not: re-sent at the end if asked for), made as sent.
  const relay = (chunk: ChatCompletionChunk): boolean => {
    identity ??= { id: chunk.id, created: chunk.created };
    const wire = chunk[WIRE];
    const content = chunk.choices[0]?.delta.content;
    if (wire !== undefined) {
      // The upstream's own text when only the model (and usage) change; serialised when the stream's id changed.
      const same = chunk.id === identity.id && chunk.created === identity.created && chunk.choices.length > 0;
      chunk[WIRE] = same ? splice(wire, chunk.model, ref, content) : undefined;
    }
    chunk.id = identity.id;
    chunk.created = identity.created;
    last = chunk;
    chunk.model = ref;
    if (chunk.usage) usage = chunk.usage;
    if (content) {
      text += content;
      // Only built when someone follows the run: a stream has many chunks.
      if (emitter.active) emitter.emit('token', 'call', () => ({ text: content }));
    }
    if (chunk.choices.length === 0) return false;
    if (!options.includeUsage) delete chunk.usage;
    else chunk.usage = null;
    return true;
  };
  for (const chunk of head) if (relay(chunk)) yield chunk;
  let source = rest;
  let continuedBy: string | undefined;
  for (;;) {
    try {
      for (let next = await source.next(); !next.done; next = await source.next())
        if (relay(next.value)) yield next.value;
      break;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const continued =
        text !== '' && options.continueStream !== undefined ? await options.continueStream(text, err) : undefined;
      if (continued === undefined) {
        info.emitter.emit('run_failed', undefined, () => ({ model: ref, message }));
        options.onEnd?.({ ok: false, ...(continuedBy === undefined ? {} : { continuedBy }) });
        throw err;
      }
      const broken = ref;
      info.emitter.emit('attempt_failed', 'call', () => ({
        model: broken,
        mid_stream: true,
        sent_chars: text.length,
        continued_by: continued.ref,
        message,
      }));
      continuedBy = ref = continued.ref;
      source = continuation(continued.chunks, text);
    }
  }
  usage ??= estimateUsage(info.classification.promptTokens(), text);
  if (options.extraUsage !== undefined) usage = sumUsage([usage, options.extraUsage]);
  if (options.includeUsage && last) {
    yield { id: last.id, object: 'chat.completion.chunk', created: last.created, model: ref, choices: [], usage };
  }
  info.emitter.emit('run_finished', undefined, () => ({ model: ref, attempts: info.attempts, usage }));
  options.onEnd?.({ ok: true, ...(continuedBy === undefined ? {} : { continuedBy }) });
}

/** Enough of a continuation's start to see whether it repeats the end of the partial answer. */
const OVERLAP_WINDOW = 64;

/**
 * A continuation's chunks as part of the answer already started: no new role, and its first characters without what
 * they repeat of the partial answer (read up to OVERLAP_WINDOW characters before the first is passed on).
 */
async function* continuation(
  chunks: AsyncIterator<ChatCompletionChunk>,
  partial: string,
): AsyncGenerator<ChatCompletionChunk> {
  const held: ChatCompletionChunk[] = [];
  let start = '';
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    const chunk = next.value;
    for (const choice of chunk.choices) {
      if (choice.delta.role === undefined) continue;
      delete choice.delta.role;
      delete chunk[WIRE];
    }
    if (start.length >= OVERLAP_WINDOW) {
      yield chunk;
      continue;
    }
    held.push(chunk);
    start += chunk.choices[0]?.delta.content ?? '';
    if (start.length >= OVERLAP_WINDOW) yield* release(held.splice(0), start, partial);
  }
  if (start.length < OVERLAP_WINDOW) yield* release(held, start, partial);
}

/** The held chunks with the overlap taken off: their text as one chunk, then those without text (finish, usage). */
function* release(held: ChatCompletionChunk[], start: string, partial: string): Generator<ChatCompletionChunk> {
  const withText = held.filter((chunk) => chunk.choices[0]?.delta.content);
  const template = withText.at(-1);
  if (template !== undefined) {
    template.choices[0]!.delta.content = trimOverlap(partial, start);
    delete template[WIRE];
    yield template;
  }
  for (const chunk of held) if (!chunk.choices[0]?.delta.content) yield chunk;
}
