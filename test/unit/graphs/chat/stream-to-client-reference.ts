// The relay's stream to the client as it was before it became an iterator (graphs/chat/respond.ts, an async
// generator): the reference of the differential test in stream-to-client.test.ts. Kept as it was; not used elsewhere.
import type { RespondInfo, StreamOptions } from '../../../../graphs/chat/respond.js';
import { trimOverlap } from '../../../../graphs/chat/continue.js';
import { estimateUsage } from '../../../../graphs/chat/usage.js';
import { createWireSplicer } from '../../../../graphs/chat/wire.js';
import { WIRE, type ChatCompletionChunk, type Usage } from '../../../../src/providers/types.js';
import { sumUsage } from '../../../../src/routing/fuse.js';

export async function* generatorStreamToClient(
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
