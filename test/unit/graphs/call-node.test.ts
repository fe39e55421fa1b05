// The call node: the key a provider echoes in an error is masked, before and after the first streamed token.
import { describe, expect, it } from 'vitest';
import { callModel } from '../../../graphs/chat/nodes/call.js';
import { createLocalKeyPool } from '../../../src/accounts/pool-wiring.js';
import type { ChatDeps } from '../../../graphs/chat/context.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { ChatCompletionChunk, ProviderAdapter } from '../../../src/providers/types.js';

const KEY = 'sk-live-0123456789abcdef';
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'p',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKeys: [KEY],
      models: [
        {
          id: 'm',
          capabilities: ['chat'],
          contextWindow: 8192,
          quality: 0.5,
          speed: 0.5,
          costPer1M: { input: 0, output: 0 },
        },
      ],
    },
  ],
  {},
);
const leak = () => new ProviderError(`Invalid API key: ${KEY}`, { kind: 'auth', status: 401, retryAfterMs: 5 });
const chunk: ChatCompletionChunk = {
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
};
const adapter = {
  protocol: 'openai',
  chat: async () => {
    throw leak();
  },
  async *stream() {
    yield chunk;
    throw leak();
  },
} as unknown as ProviderAdapter;
/** Fresh per call: the first test's 401 disables the key in its pool. */
const deps = () =>
  ({
    registry,
    adapters: { openai: adapter },
    keys: createLocalKeyPool(),
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
  }) as unknown as ChatDeps;
const input = (stream: boolean) => ({
  candidate: { model: registry.models[0]!, score: 1, reasons: [] },
  request: { model: 'm', messages: [{ role: 'user' as const, content: 'x' }] },
  stream,
  signal: new AbortController().signal,
  promptTokens: () => 1,
});

describe('callModel', () => {
  it("masks an echoed key in a failed call, keeping the failure's kind and retry hint", async () => {
    const err = (await callModel(deps(), input(false)).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe('Invalid API key: sk-l…cdef');
    expect([err.kind, err.retryAfterMs]).toEqual(['auth', 5]);
  });

  it('masks an echoed key in an error raised after the first streamed token', async () => {
    const result = await callModel(deps(), input(true));
    if (result.kind !== 'stream') throw new Error('expected a stream');
    expect(result.stream.head).toEqual([chunk]);
    const err = (await result.stream.rest.next().catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain('sk-l…cdef');
  });
});
