// End to end: a 10 MB prompt of one word is answered or refused without blocking the process, on the chat and the agent
// routes: the exact tokenizer (quadratic in a run without spaces) is never given more than a short piece of any text.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import { PIECE_CHARS } from '../../src/routing/tokens.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

/** The longest text the exact tokenizer was given, in this process (the gateway and its fakes run here). */
const tokenizer = vi.hoisted(() => ({ longest: 0 }));
vi.mock('gpt-tokenizer', async (importOriginal) => {
  const real = await importOriginal<typeof import('gpt-tokenizer')>();
  return {
    ...real,
    countTokens: (text: string) => {
      tokenizer.longest = Math.max(tokenizer.longest, text.length);
      // Past this the count would block the test for seconds to minutes: fail instead (the test checks `longest`).
      if (text.length > 4_096) throw new Error(`the exact tokenizer was given ${text.length} characters`);
      return real.countTokens(text);
    },
  };
});

const TEN_MB = 'a'.repeat(10_000_000);

let upstream: FakeUpstream;
let gw: TestGateway;
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: upstream.baseUrl,
      apiKeys: ['alpha-key'],
      // `small` cannot take the prompt; `roomy` can (10 M characters of one word are about 1.25 M tokens).
      models: [fakeModel('small'), fakeModel('roomy', { contextWindow: 4_000_000, quality: 0.2 })],
    },
  ] as ProviderEntry[];
  gw = await startTestGateway({ providers });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});
beforeEach(() => {
  tokenizer.longest = 0;
});

/** Runs `work` and answers with its result and the longest the event loop was blocked meanwhile, in ms. */
async function blockingOf<T>(work: () => Promise<T>): Promise<{ result: T; blockedMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  try {
    const result = await work();
    return { result, blockedMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}

let references = 0;
/**
 * What the exact tokenizer alone takes on 30,000 characters of one word, in this process now, in ms. A new length each
 * time: the tokenizer caches the words it has seen.
 */
async function exactCostOf30k(): Promise<number> {
  const real = await vi.importActual<typeof import('gpt-tokenizer')>('gpt-tokenizer');
  const word = 'a'.repeat(30_000 + ++references);
  const started = performance.now();
  real.countTokens(word);
  return performance.now() - started;
}

const post = (path: string, body: unknown) =>
  fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('a 10 MB prompt of one word', () => {
  it('is refused for a model whose context it exceeds, in OpenAI error shape, without the exact count of it', async () => {
    const { result, blockedMs } = await blockingOf(async () => {
      const res = await post('/v1/chat/completions', {
        model: 'alpha/small',
        messages: [{ role: 'user', content: TEN_MB }],
      });
      return { status: res.status, body: await res.json() };
    });
    expect(result.status).toBe(400);
    expect(schemaErrors.error(result.body)).toEqual([]);
    expect(tokenizer.longest).toBeGreaterThan(0);
    expect(tokenizer.longest).toBeLessThanOrEqual(PIECE_CHARS);
    // Sanity, within this run: the whole request (the client's and the fake upstream's JSON work included) blocked the
    // process for less than the exact tokenizer takes on a prompt 333 times smaller.
    expect(blockedMs).toBeLessThan(await exactCostOf30k());
  });

  it('is answered by a model whose context can take it, the upstream getting the whole prompt', async () => {
    const before = upstream.requests.length;
    const { result, blockedMs } = await blockingOf(() =>
      gw.client.chat.completions.create({ model: 'alpha/roomy', messages: [{ role: 'user', content: TEN_MB }] }),
    );
    expect(result.choices[0]!.message.content).toBe('Hello from the fake upstream.');
    expect(upstream.requests[before]!.body.messages[0].content).toHaveLength(10_000_000);
    expect(tokenizer.longest).toBeLessThanOrEqual(PIECE_CHARS);
    expect(blockedMs).toBeLessThan(await exactCostOf30k());
  });

  it('is refused by the agent with a 400 naming the instruction, as OpenAI refuses a string over its limit', async () => {
    const { result: res, blockedMs } = await blockingOf(() => post('/v1/agents/code/invoke', { instruction: TEN_MB }));
    const body = (await res.json()) as { error: { message: string } };
    expect(res.status).toBe(400);
    expect(schemaErrors.error(body)).toEqual([]);
    expect(body.error).toMatchObject({ param: 'instruction', code: 'string_above_max_length' });
    expect(body.error.message).toContain('at most 262144 characters');
    expect(blockedMs).toBeLessThan(await exactCostOf30k());
  });
});

describe('an agent instruction of one word at the length limit', () => {
  it('is answered without the exact count of it', async () => {
    const res = await post('/v1/agents/code/invoke', { instruction: 'b'.repeat(262_144) });
    const body = (await res.json()) as { agent_status: string; explanation: string };
    expect([res.status, body.agent_status, body.explanation]).toEqual([
      200,
      'completed',
      'Hello from the fake upstream.',
    ]);
    expect(tokenizer.longest).toBeGreaterThan(0);
    expect(tokenizer.longest).toBeLessThanOrEqual(PIECE_CHARS);
  });
});

describe('a body over server.bodyLimit', () => {
  it("is refused with a 413 in OpenAI's shape that names the limit", async () => {
    const res = await post('/v1/chat/completions', {
      model: 'auto',
      messages: [{ role: 'user', content: 'a'.repeat(11 * 1024 * 1024) }],
    });
    const body = (await res.json()) as { error: { message: string } };
    expect(res.status).toBe(413);
    expect(schemaErrors.error(body)).toEqual([]);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'body_too_large' });
    expect(body.error.message).toContain('10485760 bytes (server.bodyLimit)');
  });
});
