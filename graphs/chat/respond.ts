// Turns an answer into what the client receives: model named `provider/model`, usage filled in, events closed.
import type { RunEmitter } from '../../src/events/publisher.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../../src/providers/types.js';
import { estimateUsage } from './usage.js';
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
  info.emitter.emit('run_finished', undefined, () => ({ model: info.ref, attempts: info.attempts, usage: completion.usage }));
  return completion;
}

export interface StreamOptions {
  /** The client asked for a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

/**
 * The chunks as sent: head then the rest of the upstream stream, each with the public model id; the usage chunk
 * passed on only when asked for (counted when the provider sent none). Emits `token` events, then run_finished,
 * or run_failed when the upstream breaks mid-stream (the error is re-thrown for the server to report).
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
  const relay = function* (chunk: ChatCompletionChunk): Generator<ChatCompletionChunk> {
    last = chunk;
    chunk.model = info.ref;
    if (chunk.usage) usage = chunk.usage;
    const content = chunk.choices[0]?.delta.content;
    if (content) {
      text += content;
      info.emitter.emit('token', 'call', () => ({ text: content }));
    }
    if (chunk.choices.length === 0) return; // the provider's usage chunk: re-sent at the end if asked for
    if (!options.includeUsage) delete chunk.usage;
    else chunk.usage = null;
    yield chunk;
  };
  try {
    for (const chunk of head) yield* relay(chunk);
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield* relay(next.value);
  } catch (err) {
    info.emitter.emit('run_failed', undefined, () => ({ model: info.ref, message: err instanceof Error ? err.message : String(err) }));
    throw err;
  }
  usage ??= estimateUsage(info.classification.promptTokens(), text);
  if (options.includeUsage && last) {
    yield { id: last.id, object: 'chat.completion.chunk', created: last.created, model: info.ref, choices: [], usage };
  }
  info.emitter.emit('run_finished', undefined, () => ({ model: info.ref, attempts: info.attempts, usage }));
}
