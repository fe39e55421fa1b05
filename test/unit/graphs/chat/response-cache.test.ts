// The response cache: which requests share a key, TTL and size limits on a memory kv, and replay as valid chunks.
import { describe, expect, it } from 'vitest';
import { completionFromChunks } from '../../../../src/providers/assemble.js';
import type { ChatCompletion } from '../../../../src/providers/types.js';
import {
  canonicalJson,
  completionToChunks,
  createResponseCache,
  type CacheKeyRequest,
} from '../../../../graphs/chat/response-cache.js';
import { createMemoryKvStore } from '../../../../src/storage/memory/kv.js';
import type { KvStore } from '../../../../src/storage/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const request: CacheKeyRequest = {
  model: 'auto',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is 2 + 2?' },
  ],
  temperature: 0,
  tools: [
    {
      type: 'function',
      function: {
        name: 'add',
        parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
      },
    },
  ],
  model_quality: 'balanced',
};

const textCompletion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'groq/llama-3.3-70b',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Four. ✓', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
};

const toolCompletion: ChatCompletion = {
  ...textCompletion,
  id: 'chatcmpl-2',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":2}' } },
          { id: 'call_b', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":1}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    },
  ],
};

/** The same value with every object's keys in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  ) as T;
}

const cacheOn = (kv: KvStore, over: { ttlMs?: number; maxBytes?: number } = {}) =>
  createResponseCache(kv, { ttlMs: 60_000, maxBytes: 64 * 1024, ...over });

describe('keyFor', () => {
  const cache = cacheOn(createMemoryKvStore());
  const key = cache.keyFor(request, 'client-1');

  it('gives the same key whatever the order of keys, at any depth', () => {
    const reordered = reversedKeys(request);
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(request));
    expect(cache.keyFor(reordered, 'client-1')).toBe(key);
    expect(key).toMatch(/^response-cache:v1:[0-9a-f]{64}$/);
  });

  it('ignores the delivery and bookkeeping fields, and null or undefined values', () => {
    const noisy = {
      ...request,
      stream: true,
      stream_options: { include_usage: true },
      user: 'alice',
      metadata: { team: 'x' },
      store: true,
      service_tier: 'flex',
      seed: undefined,
      stop: null,
    } as CacheKeyRequest;
    expect(cache.keyFor(noisy, 'client-1')).toBe(key);
  });

  it.each<[string, Partial<CacheKeyRequest>]>([
    ['the messages', { messages: [{ role: 'user', content: 'What is 2 + 3?' }] }],
    ['the message order', { messages: [...request.messages].reverse() }],
    ['the temperature', { temperature: 0.7 }],
    ['the model', { model: 'groq/llama-3.3-70b' }],
    ['the tools', { tools: [] }],
    ['a max_tokens', { max_tokens: 5 }],
    ['the routing mode', { model_quality: 'best_quality' }],
    ['a pinned provider', { provider: 'groq' }],
  ])('changes with %s', (_what, change) => {
    expect(cache.keyFor({ ...request, ...change }, 'client-1')).not.toBe(key);
  });

  it('keeps scopes apart', () => {
    expect(cache.keyFor(request, 'client-2')).not.toBe(key);
    // The scope is hashed with the body, so no scope text can be made to collide with another's.
    expect(cache.keyFor(request, 'a:b')).not.toBe(cache.keyFor(request, 'a'));
  });

  it('sorts object keys recursively in canonicalJson, keeping array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('get and put on a memory kv', () => {
  it('returns what was put, until the TTL runs out', async () => {
    let now = 1_000;
    const cache = cacheOn(
      createMemoryKvStore(() => now),
      { ttlMs: 30_000 },
    );
    const key = cache.keyFor(request, 'shared');
    expect(await cache.get(key)).toBeUndefined();
    expect(await cache.put(key, textCompletion)).toBe(true);
    now += 29_999;
    expect(await cache.get(key)).toEqual(textCompletion);
    now += 1;
    expect(await cache.get(key)).toBeUndefined();
  });

  it('does not store an entry larger than maxBytes (counted in UTF-8 bytes)', async () => {
    const size = Buffer.byteLength(JSON.stringify(textCompletion), 'utf8');
    const kv = createMemoryKvStore();
    const exact = cacheOn(kv, { maxBytes: size });
    expect(await exact.put('fits', textCompletion)).toBe(true);
    expect(await exact.get('fits')).toEqual(textCompletion);
    // One byte short: "✓" is 3 bytes but one UTF-16 unit, so a length check would wrongly let this through.
    const small = cacheOn(kv, { maxBytes: size - 1 });
    expect(JSON.stringify(textCompletion).length).toBeLessThan(size - 1);
    expect(await small.put('too-big', textCompletion)).toBe(false);
    expect(await kv.get('too-big')).toBeUndefined();
  });

  it('treats a failing store or an unreadable entry as a miss, and reports the failure', async () => {
    const errors: string[] = [];
    const broken: KvStore = {
      get: async () => {
        throw new Error('redis down');
      },
      set: async () => {
        throw new Error('redis down');
      },
      delete: async () => {},
    };
    const cache = createResponseCache(broken, {
      ttlMs: 1000,
      maxBytes: 1 << 20,
      onError: (_err, op) => errors.push(op),
    });
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.put('k', textCompletion)).toBe(false);
    expect(errors).toEqual(['get', 'put']);
    const kv = createMemoryKvStore();
    await kv.set('garbage', '{"not":"a completion"}');
    expect(await cacheOn(kv).get('garbage')).toBeUndefined();
  });
});

describe('completionToChunks', () => {
  it.each([
    ['a text answer', textCompletion],
    ['tool calls', toolCompletion],
  ])('replays %s as schema-valid chunks that assemble back to the same message', (_what, completion) => {
    for (const includeUsage of [false, true]) {
      const chunks = completionToChunks(completion, includeUsage);
      for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(
        chunks.every((c) => c.id === completion.id && c.model === completion.model && c.created === completion.created),
      ).toBe(true);
      const assembled = completionFromChunks(chunks);
      expect(assembled.choices[0]?.message).toEqual(completion.choices[0]?.message);
      expect(assembled.choices[0]?.finish_reason).toBe(completion.choices[0]?.finish_reason);
      expect(assembled.usage).toEqual(includeUsage ? completion.usage : undefined);
    }
  });

  it('ends with a usage chunk without choices only when asked, with usage null before it', () => {
    const withUsage = completionToChunks(textCompletion, true);
    const last = withUsage.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(textCompletion.usage);
    expect(withUsage.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const withoutUsage = completionToChunks(textCompletion, false);
    expect(withoutUsage.every((c) => !('usage' in c))).toBe(true);
    expect(withoutUsage.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(withoutUsage.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
  });

  it('replays a refusal', () => {
    const refused: ChatCompletion = {
      ...textCompletion,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: 'I cannot help.' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    };
    const chunks = completionToChunks(refused, false);
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    expect(completionFromChunks(chunks).choices[0]?.message.refusal).toBe('I cannot help.');
  });
});
