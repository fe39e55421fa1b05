// The response cache on the chat routes: opt-in per request (`x-switchboard-cache: on`); a hit is answered with no
// upstream call and no quota, whole or replayed as a stream, and says `x-switchboard-cache: hit`.
import type { Request, Response } from 'express';
import { completionFromChunks } from '../providers/assemble.js';
import { classify } from '../routing/classifier/classify.js';
import { matchRule } from '../routing/rules.js';
import type { ChatCompletion, ChatCompletionChunk } from '../providers/types.js';
import type { Caller } from '../accounts/types.js';
import type { ParsedChat } from './chat-body.js';
import type { AppDeps } from './deps.js';
import { completionToChunks } from './response-cache.js';
import { sendChatStream } from './sse.js';

export const CACHE_HEADER = 'x-switchboard-cache';

/**
 * The request's cache key, or undefined when neither it (`x-switchboard-cache: on`) nor the routing rule it matches
 * (`cache: true`) asks for the cache. Each client key has its own entries: keys may be allowed different models, and
 * one client's answers are not another's to read.
 */
export function cacheKeyOf(deps: AppDeps, req: Request, parsed: ParsedChat, caller: Caller): string | undefined {
  if (req.get(CACHE_HEADER)?.toLowerCase() !== 'on' && !ruleWantsCache(deps, parsed)) return undefined;
  const { route } = parsed;
  const body = {
    ...parsed.request,
    ...(route.provider === undefined ? {} : { provider: route.provider }),
    ...(route.models === undefined ? {} : { models: route.models }),
    model_quality: route.mode,
  };
  return deps.cache.keyFor(body, caller.kind === 'client' ? `client:${caller.client.id}` : caller.kind);
}

/** The first rule the request matches turns the cache on; classified only when some rule can (it costs ~10 µs). */
function ruleWantsCache(deps: AppDeps, parsed: ParsedChat): boolean {
  const { rules } = deps.config.routing;
  if (!rules.some((rule) => rule.cache === true)) return false;
  return matchRule(rules, classify(parsed.request))?.cache === true;
}

/** Answers from the cache when it holds the request; false (a miss, header set) otherwise. */
export async function answerFromCache(deps: AppDeps, res: Response, parsed: ParsedChat, key: string): Promise<boolean> {
  const hit = await deps.cache.get(key);
  deps.metrics.recordCache(hit !== undefined);
  res.setHeader(CACHE_HEADER, hit === undefined ? 'miss' : 'hit');
  if (hit === undefined) return false;
  res.setHeader('x-switchboard-attempts', '0');
  res.setHeader('x-switchboard-model', hit.model);
  if (!parsed.stream) {
    res.json(hit);
    return true;
  }
  const replay = async function* () {
    yield* completionToChunks(hit, parsed.request.stream_options?.include_usage === true);
  };
  await sendChatStream(res, replay(), new AbortController().signal);
  return true;
}

/**
 * Asks a stream to be cached for its usage too (`stream_options.include_usage`): a cached answer must have it for
 * later clients that ask. Returns whether the client itself asked, so `cachedAsItEnds` sends it only then.
 */
export function withUsageForCache(parsed: ParsedChat): boolean {
  const asked = parsed.request.stream_options?.include_usage === true;
  if (parsed.stream) parsed.request.stream_options = { ...parsed.request.stream_options, include_usage: true };
  return asked;
}

/** The stream as the client asked for it, stored in the cache (usage included) once it has ended whole. */
export async function* cachedAsItEnds(
  deps: AppDeps,
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
      yield chunk;
    }
  }
  void deps.cache.put(key, completionFromChunks(seen));
}

/** Stores a whole completion. */
export function storeCompletion(deps: AppDeps, key: string, completion: ChatCompletion): void {
  void deps.cache.put(key, completion);
}
