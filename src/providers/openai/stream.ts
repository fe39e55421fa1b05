// Upstream OpenAI-compatible SSE → normalized ChatCompletionChunks: [DONE], in-stream errors and early ends handled.
import { ProviderError } from '../errors.js';
import type { ReadyIterator } from '../ready-values.js';
import { readSseBatches, type SseEvent } from '../sse.js';
import { WIRE, type ChatCompletionChunk, type ChunkDelta, type ToolCallDelta } from '../types.js';
import { errorFromBody } from './errors.js';
import { FramedChunks } from './framed-chunks.js';
import { isPlainChunk } from './plain-chunk.js';
import { plainChunkOf } from './plain-chunk-of.js';
import {
  argumentsText,
  asRecord,
  contentText,
  header,
  integer,
  normalizeFinishReason,
  normalizeUsage,
  type WireDefaults,
} from './from-wire.js';

/**
 * One upstream chunk in OpenAI's shape: `obfuscation`, `service_tier`, `x_groq` and other extras dropped (they reach
 * the client only with the chunk's own text, when readOpenAIStream keeps it: see `WIRE`), tool-call
 * deltas keeping their own `index` (some servers start at 1), usage reduced to its three counts (Groq's old
 * `x_groq.usage` used when the standard field is absent). An unknown finish reason becomes `tool_calls` for a choice
 * in `withToolCalls` (indexes of choices that streamed tool calls earlier). Throws the matching ProviderError when the
 * chunk is an error object.
 */
export function fromOpenAIChunk(
  raw: unknown,
  defaults: WireDefaults,
  withToolCalls: ReadonlySet<number> = new Set(),
): ChatCompletionChunk {
  const record = asRecord(raw);
  if (!record) throw new ProviderError('upstream stream event is not a JSON object', { kind: 'server', status: 200 });
  if (record['error'] !== undefined && record['error'] !== null) throw errorFromBody(record);
  const rawChoices = Array.isArray(record['choices']) ? record['choices'] : [];
  const choices = rawChoices.map((rawChoice, position) => {
    const choice = asRecord(rawChoice) ?? {};
    const index = integer(choice['index']) ?? position;
    const delta = deltaFromWire(asRecord(choice['delta']) ?? {});
    const rawFinish = choice['finish_reason'];
    const finish =
      rawFinish === null || rawFinish === undefined || rawFinish === ''
        ? null
        : normalizeFinishReason(rawFinish, withToolCalls.has(index) || delta.tool_calls !== undefined);
    return { index, delta, finish_reason: finish, logprobs: null };
  });
  const { id, created, model } = header(record, defaults);
  const chunk: ChatCompletionChunk = { id, created, model, object: 'chat.completion.chunk', choices };
  const usage = normalizeUsage(record['usage']) ?? normalizeUsage(asRecord(record['x_groq'])?.['usage']);
  if (usage) chunk.usage = usage;
  if (typeof record['system_fingerprint'] === 'string') chunk.system_fingerprint = record['system_fingerprint'];
  return chunk;
}

function deltaFromWire(delta: Record<string, unknown>): ChunkDelta {
  const out: ChunkDelta = {};
  if (delta['role'] === 'assistant') out.role = 'assistant';
  if ('content' in delta) out.content = contentText(delta['content']);
  if (typeof delta['refusal'] === 'string' || delta['refusal'] === null) out.refusal = delta['refusal'];
  const calls = Array.isArray(delta['tool_calls']) ? delta['tool_calls'] : [];
  if (calls.length > 0) out.tool_calls = calls.map(toolCallDeltaFromWire);
  return out;
}

function toolCallDeltaFromWire(raw: unknown, position: number): ToolCallDelta {
  const call = asRecord(raw) ?? {};
  const out: ToolCallDelta = { index: integer(call['index']) ?? position };
  if (typeof call['id'] === 'string' && call['id'] !== '') out.id = call['id'];
  if (out.id !== undefined || call['type'] === 'function') out.type = 'function';
  const fn = asRecord(call['function']);
  if (fn) {
    const name = typeof fn['name'] === 'string' ? fn['name'] : undefined;
    const args = argumentsText(fn['arguments']);
    // Fields set one by one, not spread: a literal that starts with a spread and adds fields makes a new hidden class
    // at every call on Node 20 (docs/BENCHMARKS.md, "Hidden classes made per request").
    const made: { name?: string; arguments?: string } = {};
    if (name !== undefined) made.name = name;
    if (args !== undefined) made.arguments = args;
    out.function = made;
  }
  return out;
}

/**
 * The chunks of an upstream SSE body, normalized. Ends at `data: [DONE]`; a body that closes without [DONE] is
 * fine once a finish reason was seen, and a ProviderError of kind `network` before that. A stream that reaches
 * [DONE] without a single choice is the `server` error an unstreamed body with no choices is: no answer at all,
 * which the request graph must not mistake for an empty one. Data that is not JSON (keep-alive text, say) is skipped;
 * chunks with no choices and no usage (Azure's prompt-filter preamble) too. A chunk that normalising left as it was
 * (isPlainChunk) keeps the upstream's text under `WIRE`, for the relay to send as it is; one that differs from the
 * chunk before only in its text is taken without parsing its JSON (FramedChunks). What follows [DONE] (the
 * body's end, usually in the same read) is read and dropped after the stream has ended (readRest).
 */
export function readOpenAIStream(
  body: AsyncIterable<Uint8Array>,
  defaults: WireDefaults,
): AsyncIterableIterator<ChatCompletionChunk> & ReadyIterator<ChatCompletionChunk> {
  return new OpenAIChunks(readSseBatches(body), defaults);
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * readOpenAIStream's iterator: what an async generator looping over the batches would give (the same chunks, errors
 * and letting go of the body), without a generator's steps per chunk: the chunks of one read are handed out each in
 * an already settled promise (or at once, by `nextReady`), and only a read of the body waits. Read one `next()` at a
 * time, as `for await` does.
 */
class OpenAIChunks implements AsyncIterableIterator<ChatCompletionChunk>, ReadyIterator<ChatCompletionChunk> {
  private events: SseEvent[] = [];
  private at = 0;
  /** Ended: [DONE], the body's end, a failure or `return()`; every later `next()` is done. */
  private over = false;
  private finished = false;
  private answered = false;
  private readonly withToolCalls = new Set<number>();
  private readonly frames = new FramedChunks();
  /** A failure `nextReady` met, for the next `next()` to pass on. */
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly batches: AsyncGenerator<SseEvent[]>,
    private readonly defaults: WireDefaults,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const { failure } = this;
    if (failure !== undefined) {
      this.failure = undefined;
      return this.fail(failure.error);
    }
    if (this.over) return Promise.resolve(DONE);
    try {
      const chunk = this.take();
      if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
    } catch (err) {
      return this.fail(err);
    }
    if (this.over) return Promise.resolve(DONE);
    return this.batches.next().then(this.read, this.fail);
  }

  /** The next chunk of the read in hand, if there is one; anything else (a failure too) is `next()`'s. */
  nextReady(): IteratorResult<ChatCompletionChunk> | undefined {
    if (this.over || this.failure !== undefined) return undefined;
    try {
      const chunk = this.take();
      return chunk === undefined ? undefined : { done: false, value: chunk };
    } catch (error) {
      this.failure = { error };
      return undefined;
    }
  }

  /** Dropped (the client gone, the answer rejected): the body is let go, which closes its connection. */
  return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.failure = undefined;
    if (this.over) return Promise.resolve(DONE);
    this.over = true;
    return this.batches.return(undefined).then(() => DONE);
  }

  private readonly read = (
    next: IteratorResult<SseEvent[]>,
  ): IteratorResult<ChatCompletionChunk> | Promise<IteratorResult<ChatCompletionChunk>> => {
    if (this.over) return DONE;
    if (next.done) {
      this.over = true;
      if (!this.finished) throw new ProviderError('upstream stream ended early', { kind: 'network', status: 0 });
      return DONE;
    }
    this.events = next.value;
    this.at = 0;
    return this.next();
  };

  /** Failed: the body is let go before the failure is passed on. */
  private readonly fail = (err: unknown): Promise<never> => {
    this.over = true;
    return this.batches.return(undefined).then(() => Promise.reject(err));
  };

  /**
   * The next chunk of the read in hand; undefined when the read has no more (or the stream ended at [DONE], with
   * `over` set). Throws the stream's failures.
   */
  private take(): ChatCompletionChunk | undefined {
    const { events, frames } = this;
    while (this.at < events.length) {
      const data = events[this.at++]!.data.trim();
      if (data === '[DONE]') {
        if (!this.answered) throw new ProviderError('upstream answer has no choices', { kind: 'server', status: 200 });
        this.over = true;
        readRest(this.batches);
        return undefined;
      }
      if (data === '') continue;
      const chunk = frames.chunkOf(data) ?? parseOpenAIChunk(data, this.defaults, this.withToolCalls, frames);
      if (chunk === undefined) continue;
      if (chunk.choices.length > 0) this.answered = true;
      for (const choice of chunk.choices) {
        if (choice.delta.tool_calls) this.withToolCalls.add(choice.index);
        if (choice.finish_reason !== null) this.finished = true;
      }
      if (chunk.choices.length === 0 && !chunk.usage) continue;
      return chunk;
    }
    return undefined;
  }
}

/**
 * A chunk's data, parsed and normalised; undefined when it is not JSON. A chunk already in OpenAI's shape is taken in
 * one pass (plainChunkOf), and its frame learnt for the chunks after it that differ only in their text (FramedChunks,
 * which the stream asks first); any other (tool calls, usage, errors, other shapes) by the full normalising,
 * fromOpenAIChunk, which throws the matching ProviderError for an error object.
 */
function parseOpenAIChunk(
  data: string,
  defaults: WireDefaults,
  withToolCalls: Set<number>,
  frames: FramedChunks,
): ChatCompletionChunk | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const plain = plainChunkOf(parsed, data);
  if (plain !== undefined) {
    frames.learn(plain, data);
    return plain;
  }
  const chunk = fromOpenAIChunk(parsed, defaults, withToolCalls);
  // Its own text goes on to the client when nothing in it was normalised (one line: SSE framing stays whole).
  if (isPlainChunk(parsed as Record<string, unknown>) && !data.includes('\n')) chunk[WIRE] = data;
  return chunk;
}

/** Reads after [DONE] at most: a server that keeps sending past the end is cut off (its connection closed). */
const MAX_READS_AFTER_DONE = 8;

/**
 * Reads what is left of a body after [DONE] and drops it, without holding up the stream's end. A body let go before
 * its end is destroyed, which closes the connection instead of returning it to the pool, and node builds an
 * `AbortError` with its stack trace for it (about 2 % of a stream's CPU): the body's end usually comes in the same
 * read as [DONE]. A body that never ends is ended by its idle timeout; a failure there no longer matters.
 */
function readRest(rest: AsyncGenerator<unknown>): void {
  let reads = 0;
  const more = (next: IteratorResult<unknown>): void => {
    if (next.done) return;
    if (++reads > MAX_READS_AFTER_DONE) void rest.return(undefined).catch(() => undefined);
    else rest.next().then(more, () => undefined);
  };
  rest.next().then(more, () => undefined);
}
