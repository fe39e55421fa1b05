// cache node: the response cache as a state of the request graph. It is on when the client asked for it
// (`x-switchboard-cache: on`) or the rule the request matches has `cache: true`; a hit ends the run with the stored
// answer (no upstream call, no quota), a miss routes on and the answer is stored once it has ended whole.
import { completionFromChunks, completionToChunks } from '../../../src/providers/assemble.js';
import { WIRE, type ChatCompletion, type ChatCompletionChunk } from '../../../src/providers/types.js';
import type { ChatContext, ChatDeps, ChatInput } from '../context.js';
import type { ResponseCache } from '../response-cache.js';

/**
 * Whether the run looks its request up: the gateway has a cache, the run may use it (`input.cache`: the chat routes'
 * runs, not an agent's), and the client asked for it or the matched rule does.
 */
export function wantsCache(deps: ChatDeps, context: ChatContext): boolean {
  const { cache } = context.input;
  return cache !== undefined && deps.cache !== undefined && (cache.asked || context.rule?.cache === true);
}

/**
 * The run's cache key: the request plus Switchboard's routing fields (they change who answers), within the caller's
 * scope (each client key has its own entries).
 */
export function cacheKeyOf(cache: ResponseCache, input: ChatInput): string {
  const { route } = input;
  const body = {
    ...input.request,
    ...(route.provider === undefined ? {} : { provider: route.provider }),
    ...(route.models === undefined ? {} : { models: route.models }),
    model_quality: route.mode,
  };
  return cache.keyFor(body, input.cache!.scope);
}

/**
 * The run's input once the cache missed: a stream asks the upstream for its usage too (`stream_options.include_usage`),
 * since a cached answer must have it for later clients that ask. `cachedAsItEnds` drops it again if this client did
 * not ask.
 */
export function withUsageForCache(input: ChatInput): ChatInput {
  if (!input.stream) return input;
  const { request } = input;
  return { ...input, request: { ...request, stream_options: { ...request.stream_options, include_usage: true } } };
}

/** A cached answer as the stream OpenAI would have sent, with a usage chunk when the client asked for one. */
export async function* replayCached(
  completion: ChatCompletion,
  includeUsage: boolean,
): AsyncGenerator<ChatCompletionChunk> {
  yield* completionToChunks(completion, includeUsage);
}

/**
 * The stream as the client asked for it (`clientWantsUsage`), stored in the cache, usage included, once it ended whole.
 */
export async function* cachedAsItEnds(
  cache: ResponseCache,
  key: string,
  chunks: AsyncGenerator<ChatCompletionChunk>,
  clientWantsUsage: boolean,
): AsyncGenerator<ChatCompletionChunk> {
  const seen: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) {
    seen.push(structuredClone(chunk));
    if (clientWantsUsage) yield chunk;
    else if (chunk.choices.length > 0) {
      delete chunk.usage;
      delete chunk[WIRE];
      yield chunk;
    }
  }
  void cache.put(key, completionFromChunks(seen));
}
