// The call node: the key a provider echoes in an error is masked, before and after the first streamed token; each call
// goes through its provider's connection pool with a first-byte timeout that follows the model's measured latency.
import { describe, expect, it } from 'vitest';
import { callModel } from '../../../graphs/chat/nodes/call.js';
import { createLocalKeyPool } from '../../../src/accounts/pool-wiring.js';
import type { ChatDeps } from '../../../graphs/chat/context.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { CallContext, ChatCompletionChunk, ProviderAdapter } from '../../../src/providers/types.js';
import type { ModelStats } from '../../../src/routing/types.js';

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
    now: Date.now,
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

  describe("the call's context", () => {
    const seen: CallContext[] = [];
    const recording = {
      protocol: 'openai',
      chat: async (_request: unknown, ctx: CallContext) => {
        seen.push(ctx);
        return { id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [] };
      },
      async *stream(_request: unknown, ctx: CallContext) {
        seen.push(ctx);
        yield chunk;
      },
    } as unknown as ProviderAdapter;
    /** The model's measured figures: 800 ms to first token, 3 s per whole answer, 50 tokens/s. */
    const measured = { samples: 10, successRate: 1, latencyMs: 3_000, ttftMs: 800, tokensPerSec: 50 };
    const depsWith = (stats: ModelStats | undefined) =>
      ({
        ...deps(),
        adapters: { openai: recording },
        stats: { get: () => stats, recordCall() {}, recordQuality() {} },
        timeouts: { connectMs: 1_000, firstByteMs: 30_000, firstByteMinMs: 2_000, firstByteFactor: 4, idleMs: 1_000 },
      }) as unknown as ChatDeps;
    const firstByteOf = async (stats: ModelStats | undefined, stream: boolean, maxTokens?: number) => {
      const call = input(stream);
      if (maxTokens !== undefined) call.request = { ...call.request, max_tokens: maxTokens } as typeof call.request;
      await callModel(depsWith(stats), call);
      return seen.at(-1)!.timeouts.firstByteMs;
    };
    /** The call's first-byte timeout is what is left of `expected` after its wait for a key: a few ms less at most. */
    const within = (ms: number, expected: number) => ms <= expected && ms > expected - 100;

    it("goes through the provider's own connection pool", async () => {
      await callModel(depsWith(undefined), input(false));
      expect(seen.at(-1)!.pool).toBe('p');
    });

    it('gives a measured model 4 × its time to first byte, within the bounds; an unmeasured one the most', async () => {
      const [stream, whole, unmeasured, few] = [
        await firstByteOf(measured, true),
        await firstByteOf(measured, false),
        await firstByteOf(undefined, false),
        await firstByteOf({ ...measured, samples: 2 }, true),
      ];
      // A stream: 4 × 800 ms to first token; a whole answer: 4 × its 3 s latency; too few calls: the configured most.
      expect([stream, whole, unmeasured, few].map((ms, i) => within(ms, [3_200, 12_000, 30_000, 30_000][i]!))).toEqual(
        Array(4).fill(true),
      );
    });

    it('stays within firstByteMinMs and firstByteMs, and allows a long answer the time to generate it', async () => {
      const fast = await firstByteOf({ ...measured, ttftMs: 100, latencyMs: 200 }, true);
      const slow = await firstByteOf({ ...measured, ttftMs: 20_000, latencyMs: 40_000 }, true);
      // 200 tokens at 50 tokens/s: 4 s after the first token, longer than the model's usual 3 s answer.
      const long = await firstByteOf(measured, false, 200);
      expect([within(fast, 2_000), within(slow, 30_000), within(long, 4 * 4_800)]).toEqual([true, true, true]);
    });
  });
});
