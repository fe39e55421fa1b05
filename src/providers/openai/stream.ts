// Upstream OpenAI-compatible SSE → normalized ChatCompletionChunks: [DONE], in-stream errors and early ends handled.
import { ProviderError } from '../errors.js';
import { readSseBatches } from '../sse.js';
import { WIRE, type ChatCompletionChunk, type ChunkDelta, type ToolCallDelta } from '../types.js';
import { errorFromBody } from './errors.js';
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
  const chunk: ChatCompletionChunk = { ...header(record, defaults), object: 'chat.completion.chunk', choices };
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
    out.function = { ...(name === undefined ? {} : { name }), ...(args === undefined ? {} : { arguments: args }) };
  }
  return out;
}

/**
 * The chunks of an upstream SSE body, normalized. Ends at `data: [DONE]`; a body that closes without [DONE] is
 * fine once a finish reason was seen, and a ProviderError of kind `network` before that. A stream that reaches
 * [DONE] without a single choice is the `server` error an unstreamed body with no choices is: no answer at all,
 * which the request graph must not mistake for an empty one. Data that is not JSON (keep-alive text, say) is skipped;
 * chunks with no choices and no usage (Azure's prompt-filter preamble) too. A chunk that normalising left as it was
 * (isPlainChunk) keeps the upstream's text under `WIRE`, for the relay to send as it is. What follows [DONE] (the
 * body's end, usually in the same read) is read and dropped after the stream has ended (readRest).
 */
export async function* readOpenAIStream(
  body: AsyncIterable<Uint8Array>,
  defaults: WireDefaults,
): AsyncGenerator<ChatCompletionChunk> {
  let finished = false;
  let answered = false;
  const withToolCalls = new Set<number>();
  const batches = readSseBatches(body);
  let reading = true;
  try {
    for (let next = await batches.next(); !next.done; next = await batches.next()) {
      for (const event of next.value) {
        const data = event.data.trim();
        if (data === '[DONE]') {
          if (!answered) throw new ProviderError('upstream answer has no choices', { kind: 'server', status: 200 });
          reading = false;
          readRest(batches);
          return;
        }
        if (data === '') continue;
        const chunk = parseOpenAIChunk(data, defaults, withToolCalls);
        if (chunk === undefined) continue;
        if (chunk.choices.length > 0) answered = true;
        for (const choice of chunk.choices) {
          if (choice.delta.tool_calls) withToolCalls.add(choice.index);
          if (choice.finish_reason !== null) finished = true;
        }
        if (chunk.choices.length === 0 && !chunk.usage) continue;
        yield chunk;
      }
    }
    reading = false;
  } finally {
    // Dropped (the client gone, the answer rejected) or failed: the body is let go, which closes its connection.
    if (reading) await batches.return(undefined);
  }
  if (!finished) throw new ProviderError('upstream stream ended early', { kind: 'network', status: 0 });
}

/**
 * A chunk's data, parsed and normalised; undefined when it is not JSON. A chunk already in OpenAI's shape is taken in
 * one pass (plainChunkOf); any other (tool calls, usage, errors, other shapes) by the full normalising,
 * fromOpenAIChunk, which throws the matching ProviderError for an error object.
 */
function parseOpenAIChunk(
  data: string,
  defaults: WireDefaults,
  withToolCalls: Set<number>,
): ChatCompletionChunk | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const plain = plainChunkOf(parsed, data);
  if (plain !== undefined) return plain;
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
