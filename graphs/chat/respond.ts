// Turns an answer into what the client receives: model named `provider/model`, usage filled in, events closed.
import type { RunEmitter } from '../../src/events/publisher.js';
import { nextReady, type ReadyIterator } from '../../src/providers/ready-values.js';
import { FRAME, WIRE, type ChatCompletion, type ChatCompletionChunk, type Usage } from '../../src/providers/types.js';
import { sumUsage } from '../../src/routing/fuse.js';
import { trimOverlap, type Continued, type ContinueStream } from './continue.js';
import { estimateUsage } from './usage.js';
import { createWireSplicer, type WireSplicer } from './wire.js';
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
export function streamToClient(
  head: ChatCompletionChunk[],
  rest: AsyncIterator<ChatCompletionChunk>,
  info: RespondInfo,
  options: StreamOptions,
): AsyncGenerator<ChatCompletionChunk> & ReadyIterator<ChatCompletionChunk> {
  return new ClientStream(head, rest, info, options);
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * streamToClient's iterator: what an async generator relaying `head`, then `rest` (continued on a break), then the
 * usage chunk would give, chunk for chunk and event for event, without a generator's steps per chunk (a chunk in hand
 * is handed out in a settled promise, or at once by `nextReady` when the upstream's reader holds it; only a read of the
 * upstream waits). Read one `next()` at a time, as `for await` does. `return()` ends it where it is, as a generator's
 * would (no run_finished for a stream the client left); so does `throw()`, which nothing calls.
 */
class ClientStream implements AsyncGenerator<ChatCompletionChunk>, ReadyIterator<ChatCompletionChunk> {
  private usage: Usage | undefined;
  private text = '';
  private last: ChatCompletionChunk | undefined;
  private identity: { id: string; created: number } | undefined;
  private ref: string;
  private readonly splice: WireSplicer;
  private headAt = 0;
  private source: AsyncIterator<ChatCompletionChunk>;
  private continuedBy: string | undefined;
  /** Relaying chunks; ending (the usage chunk handed out, run_finished at the next read); over. */
  private phase: 'relaying' | 'ending' | 'over' = 'relaying';
  /** A chunk `nextReady` could not relay: the next `next()` takes it as the upstream's break. */
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly head: ChatCompletionChunk[],
    rest: AsyncIterator<ChatCompletionChunk>,
    private readonly info: RespondInfo,
    private readonly options: StreamOptions,
  ) {
    this.ref = info.ref;
    this.source = rest;
    this.splice = createWireSplicer(options.includeUsage);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const { failure } = this;
    if (failure !== undefined) {
      this.failure = undefined;
      return this.broke(failure.error);
    }
    if (this.phase === 'over') return Promise.resolve(DONE);
    if (this.phase === 'ending') {
      this.phase = 'over';
      this.finished();
      return Promise.resolve(DONE);
    }
    const { head } = this;
    try {
      while (this.headAt < head.length) {
        const chunk = head[this.headAt++]!;
        if (this.relay(chunk)) return Promise.resolve({ done: false, value: chunk });
      }
    } catch (err) {
      this.phase = 'over';
      return Promise.reject(err);
    }
    return this.pull();
  }

  /**
   * The next chunk when the upstream's reader holds it (the head is read by `next()`), as `next()` would relay it;
   * what needs a wait, and a break, are `next()`'s.
   */
  nextReady(): IteratorResult<ChatCompletionChunk> | undefined {
    if (this.phase !== 'relaying' || this.failure !== undefined || this.headAt < this.head.length) return undefined;
    for (;;) {
      const next = nextReady(this.source);
      if (next === undefined) return undefined;
      if (next.done) return this.end();
      try {
        if (this.relay(next.value)) return next;
      } catch (error) {
        this.failure = { error };
        return undefined;
      }
    }
  }

  return(value?: unknown): Promise<IteratorResult<ChatCompletionChunk>> {
    this.failure = undefined;
    this.phase = 'over';
    return Promise.resolve({ done: true, value });
  }

  throw(err?: unknown): Promise<IteratorResult<ChatCompletionChunk>> {
    this.phase = 'over';
    return Promise.reject(err);
  }

  private pull(): Promise<IteratorResult<ChatCompletionChunk>> {
    try {
      return this.source.next().then(this.read, this.broke);
    } catch (err) {
      return this.broke(err);
    }
  }

  private readonly read = (
    next: IteratorResult<ChatCompletionChunk>,
  ): IteratorResult<ChatCompletionChunk> | Promise<IteratorResult<ChatCompletionChunk>> => {
    if (this.phase === 'over') return DONE;
    if (next.done) return this.end();
    try {
      if (this.relay(next.value)) return next;
    } catch (err) {
      return this.broke(err);
    }
    return this.pull();
  };

  /**
   * The upstream broke: the answer continued on another model when text was sent and one can, else run_failed and
   * the error passed on (for the server to end the stream with an error event, never a silent cut).
   */
  private readonly broke = async (err: unknown): Promise<IteratorResult<ChatCompletionChunk>> => {
    const { info, options, text } = this;
    const message = err instanceof Error ? err.message : String(err);
    let continued: Continued | undefined;
    try {
      continued =
        text !== '' && options.continueStream !== undefined ? await options.continueStream(text, err) : undefined;
    } catch (failure) {
      this.phase = 'over';
      throw failure;
    }
    if (continued === undefined) {
      this.phase = 'over';
      const { ref, continuedBy } = this;
      info.emitter.emit('run_failed', undefined, () => ({ model: ref, message }));
      options.onEnd?.({ ok: false, ...(continuedBy === undefined ? {} : { continuedBy }) });
      throw err;
    }
    const broken = this.ref;
    info.emitter.emit('attempt_failed', 'call', () => ({
      model: broken,
      mid_stream: true,
      sent_chars: text.length,
      continued_by: continued.ref,
      message,
    }));
    this.continuedBy = this.ref = continued.ref;
    this.source = continuation(continued.chunks, text);
    return this.pull();
  };

  /** The upstream ended whole: usage counted when the provider sent none, and the usage chunk if asked for. */
  private end(): IteratorResult<ChatCompletionChunk> {
    const { options, last } = this;
    let usage = this.usage ?? estimateUsage(this.info.classification.promptTokens(), this.text);
    if (options.extraUsage !== undefined) usage = sumUsage([usage, options.extraUsage]);
    this.usage = usage;
    if (options.includeUsage && last) {
      this.phase = 'ending';
      const value = {
        id: last.id,
        object: 'chat.completion.chunk' as const,
        created: last.created,
        model: this.ref,
        choices: [],
        usage,
      };
      return { done: false, value };
    }
    this.phase = 'over';
    this.finished();
    return DONE;
  }

  private finished(): void {
    const { info, ref, usage, continuedBy } = this;
    info.emitter.emit('run_finished', undefined, () => ({ model: ref, attempts: info.attempts, usage }));
    this.options.onEnd?.({ ok: true, ...(continuedBy === undefined ? {} : { continuedBy }) });
  }

  /** Whether to send the chunk (the provider's usage chunk is not: re-sent at the end if asked for), made as sent. */
  private relay(chunk: ChatCompletionChunk): boolean {
    const identity = (this.identity ??= { id: chunk.id, created: chunk.created });
    const wire = chunk[WIRE];
    const content = chunk.choices[0]?.delta.content;
    if (wire !== undefined) {
      // The upstream's own text when only the model (and usage) change; serialised when the stream's id changed.
      const same = chunk.id === identity.id && chunk.created === identity.created && chunk.choices.length > 0;
      const read = chunk[FRAME];
      chunk[WIRE] = same ? this.splice(wire, chunk.model, this.ref, content, read) : undefined;
      // The text is no longer the frame's (its model was rewritten); a chunk that never had a frame is left its shape.
      if (read !== undefined) chunk[FRAME] = undefined;
    }
    chunk.id = identity.id;
    chunk.created = identity.created;
    this.last = chunk;
    chunk.model = this.ref;
    if (chunk.usage) this.usage = chunk.usage;
    if (content) {
      this.text += content;
      // Only built when someone follows the run: a stream has many chunks.
      const { emitter } = this.info;
      if (emitter.active) emitter.emit('token', 'call', () => ({ text: content }));
    }
    if (chunk.choices.length === 0) return false;
    // Most chunks have no usage to delete, and a `delete` is a call into the runtime even then.
    if (!this.options.includeUsage) {
      if (chunk.usage !== undefined) delete chunk.usage;
    } else chunk.usage = null;
    return true;
  }
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
