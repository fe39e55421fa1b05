// Quota signals through the three adapters on real 127.0.0.1 fakes: the onHeaders hook, and a 429's quota.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicAdapter } from '../../../src/providers/anthropic/adapter.js';
import { isProviderError, type ProviderError } from '../../../src/providers/errors.js';
import { createGeminiAdapter } from '../../../src/providers/gemini/adapter.js';
import { createHttpClient, type HttpClient } from '../../../src/providers/http.js';
import { createOpenAIAdapter } from '../../../src/providers/openai/adapter.js';
import type { CallContext, ChatRequest, ProviderAdapter } from '../../../src/providers/types.js';
import { startAnthropicUpstream } from '../../fakes/anthropic-wire.js';
import type { FakeUpstream } from '../../fakes/fake-upstream.js';
import { geminiRateLimitReply, startGeminiUpstream } from '../../fakes/gemini-wire.js';
import { startOpenAIUpstream } from '../../fakes/openai-wire.js';

const NOW = Date.parse('2025-06-02T12:00:00Z');
const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
type Headers = Record<string, string | string[] | undefined>;

let http: HttpClient;
const fakes: Record<'openai' | 'anthropic' | 'gemini', FakeUpstream> = {} as never;
const adapters: Record<keyof typeof fakes, ProviderAdapter> = {} as never;

beforeAll(async () => {
  http = createHttpClient();
  [fakes.openai, fakes.anthropic, fakes.gemini] = await Promise.all([
    startOpenAIUpstream(),
    startAnthropicUpstream(),
    startGeminiUpstream(),
  ]);
  adapters.openai = createOpenAIAdapter({ http, now: () => NOW });
  adapters.anthropic = createAnthropicAdapter({ http, now: () => NOW });
  adapters.gemini = createGeminiAdapter({ http, now: () => NOW });
});
afterAll(async () => {
  await http.close();
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
});
beforeEach(() => {
  for (const fake of Object.values(fakes)) fake.requests.length = 0;
});

function ctx(protocol: keyof typeof fakes, seen?: Headers[]): CallContext {
  return {
    baseUrl: fakes[protocol].baseUrl,
    apiKey: 'test-key',
    model: 'm',
    signal: new AbortController().signal,
    timeouts: { connectMs: 1_000, firstByteMs: 2_000, idleMs: 2_000 },
    ...(seen ? { onHeaders: (headers: Headers) => void seen.push(headers) } : {}),
  };
}

async function failure(run: Promise<unknown>): Promise<ProviderError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(err)) throw new Error(`expected a ProviderError, got ${String(err)}`);
  return err;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream);
}

describe.each(['openai', 'anthropic', 'gemini'] as const)('%s adapter: onHeaders', (protocol) => {
  it('is called once per chat call with the upstream headers', async () => {
    const seen: Headers[] = [];
    await adapters[protocol].chat(request, ctx(protocol, seen));
    expect(seen).toHaveLength(1);
    expect(seen[0]!['content-type']).toBe('application/json');
  });

  it('is called once per stream call, with the stream head', async () => {
    const seen: Headers[] = [];
    await drain(adapters[protocol].stream(request, ctx(protocol, seen)));
    expect(seen.map((h) => h['content-type'])).toEqual(['text/event-stream']);
  });

  it('is called for an error answer too, with its rate-limit headers', async () => {
    const seen: Headers[] = [];
    fakes[protocol].queue({
      type: 'error',
      status: 429,
      headers: { 'x-ratelimit-remaining-requests': '0', 'retry-after': '2' },
    });
    await failure(adapters[protocol].chat(request, ctx(protocol, seen)));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ 'x-ratelimit-remaining-requests': '0', 'retry-after': '2' });
  });

  it('does not fail the call when it throws', async () => {
    const call = ctx(protocol);
    call.onHeaders = () => {
      throw new Error('bookkeeping bug');
    };
    const completion = await adapters[protocol].chat(request, call);
    expect(completion.choices).toHaveLength(1);
  });
});

describe('a 429 says which quota refused the call', () => {
  it('Groq: a tokens-per-day message with Retry-After → scope day, back after Retry-After', async () => {
    const message =
      'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_1` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 99640, Requested 1169. Please try again in 11m54.048s.';
    const headers = {
      'retry-after': '715',
      'x-groq-region': 'dls',
      'x-ratelimit-remaining-tokens': '5800',
      'x-ratelimit-reset-tokens': '2s',
    };
    fakes.openai.queue({ type: 'error', status: 429, message, headers });
    const err = await failure(adapters.openai.chat(request, ctx('openai')));
    expect(err).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 715_000,
      quota: {
        scope: 'day',
        resetAt: NOW + 715_000,
        limit: { value: 100_000, dimension: 'tokens', source: '429 body' },
      },
    });
  });

  it('OpenRouter: the rate-limit headers inside the error body count, reset in epoch ms', async () => {
    // The body OpenRouter answers when a free key's day is spent (as reported in public issues about OpenRouter 429s).
    const rawBody = {
      error: {
        message: 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
        code: 429,
        metadata: {
          headers: { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1788220800000' },
          provider_name: null,
        },
      },
    };
    fakes.openai.queue({ type: 'error', status: 429, rawBody });
    const err = await failure(adapters.openai.chat(request, ctx('openai')));
    expect(err.quota).toEqual({ scope: 'day', resetAt: 1_788_220_800_000 });
  });

  it('Anthropic: a spent per-minute window in the headers → scope minute, back at its reset', async () => {
    const headers = {
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2025-06-02T12:00:40Z',
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2025-06-02T12:00:55Z',
      'retry-after': '40',
    };
    fakes.anthropic.queue({
      type: 'error',
      status: 429,
      message: 'Number of requests has exceeded your rate limit',
      headers,
    });
    const err = await failure(adapters.anthropic.chat(request, ctx('anthropic')));
    expect(err).toMatchObject({
      kind: 'rate_limit',
      retryAfterMs: 40_000,
      quota: { scope: 'minute', resetAt: Date.parse('2025-06-02T12:00:55Z') },
    });
  });

  it('Gemini: a daily QuotaFailure on a stream → scope day, reset at the next midnight Pacific time', async () => {
    fakes.gemini.queue(
      geminiRateLimitReply({
        retryDelay: '37s',
        quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
        quotaValue: '20',
      }),
    );
    const err = await failure(drain(adapters.gemini.stream(request, ctx('gemini'))));
    expect(err).toMatchObject({
      retryAfterMs: 37_000,
      quota: {
        scope: 'day',
        resetAt: Date.parse('2025-06-03T07:00:00Z'),
        limit: { value: 20, dimension: 'requests', source: expect.stringContaining('PerDay') },
      },
    });
  });

  it('a 429 with nothing but Retry-After carries no quota', async () => {
    fakes.openai.queue({ type: 'error', status: 429, message: 'Too many requests', headers: { 'retry-after': '3' } });
    const err = await failure(adapters.openai.chat(request, ctx('openai')));
    expect([err.retryAfterMs, err.quota]).toEqual([3_000, undefined]);
  });
});
