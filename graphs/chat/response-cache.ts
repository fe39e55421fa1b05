// Exact-match response cache: completions stored under a hash of the normalised request, and replayed as streams.
import { createHash } from 'node:crypto';
import type { ModelQuality } from '../../src/config/schema.js';
import type { ChatCompletion, ChatRequest } from '../../src/providers/types.js';
import type { KvStore } from '../../src/storage/types.js';

/**
 * Top-level body fields left out of the key because they never change the answer: how it is delivered (`stream`,
 * `stream_options`: a cached completion is replayed either way), who asked (`user`: isolation is `scope`'s job), and
 * what the provider keeps or bills (`metadata`, `store`, `service_tier`). Every other field, known or not, is part of
 * the key: an unknown field can only cost a miss, never a wrong hit.
 */
const IGNORED_FIELDS: readonly string[] = ['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier'];

/** Bumped whenever normalisation changes, so that old entries are simply never found again. */
const KEY_PREFIX = 'response-cache:v1:';

/** What a key is computed from: the OpenAI request plus Switchboard's routing fields (they change who answers). */
export type CacheKeyRequest = ChatRequest & { provider?: string; models?: string[]; model_quality?: ModelQuality };

export interface ResponseCacheOptions {
  /** How long an entry lives. */
  ttlMs: number;
  /** Entries whose JSON is larger than this (in UTF-8 bytes) are not stored. */
  maxBytes: number;
  /** Told about store failures; the cache then behaves as a miss (get) or as not storing (put), never throws. */
  onError?: (err: unknown, op: 'get' | 'put') => void;
}

export interface ResponseCache {
  /**
   * The key of `request` within `scope`. The caller picks the scope: a client key's id keeps each client's answers
   * apart (nobody is served an answer to someone else's prompt), a constant shares them across clients (more hits).
   */
  keyFor(request: CacheKeyRequest, scope: string): string;
  /** The stored completion, or undefined when absent, expired, unreadable or the store failed. */
  get(key: string): Promise<ChatCompletion | undefined>;
  /** Stores `completion` for ttlMs; resolves false when it was not stored (too large, or the store failed). */
  put(key: string, completion: ChatCompletion): Promise<boolean>;
}

/**
 * A response cache on `kv`. It stores whatever it is given: which answers deserve caching (say, only
 * deterministic requests, or only finish_reason `stop`) and fresh ids for replayed answers are the caller's choice.
 */
export function createResponseCache(kv: KvStore, options: ResponseCacheOptions): ResponseCache {
  const report = (err: unknown, op: 'get' | 'put') => options.onError?.(err, op);
  return {
    keyFor(request, scope) {
      const body = Object.fromEntries(
        // Null means "not set" for every optional OpenAI parameter, as src/server/chat-body.ts reads them.
        Object.entries(request).filter(
          ([field, value]) => value !== null && value !== undefined && !IGNORED_FIELDS.includes(field),
        ),
      );
      // Hashing the scope with the body keeps any scope string (a colon, say) from colliding with another scope.
      const digest = createHash('sha256')
        .update(canonicalJson([scope, body]))
        .digest('hex');
      return KEY_PREFIX + digest;
    },
    async get(key) {
      try {
        const text = await kv.get(key);
        if (text === undefined) return undefined;
        const value = JSON.parse(text) as ChatCompletion;
        return value?.object === 'chat.completion' && Array.isArray(value.choices) ? value : undefined;
      } catch (err) {
        report(err, 'get');
        return undefined;
      }
    },
    async put(key, completion) {
      const text = JSON.stringify(completion);
      if (Buffer.byteLength(text, 'utf8') > options.maxBytes) return false;
      try {
        await kv.set(key, text, options.ttlMs);
        return true;
      } catch (err) {
        report(err, 'put');
        return false;
      }
    },
  };
}

/** JSON with every object's keys sorted (recursively), so that key order never changes the text; arrays keep order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const record = item as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, record[k]]),
    );
  });
}

export { completionToChunks } from '../../src/providers/assemble.js';
