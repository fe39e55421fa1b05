// End to end: the opt-in response cache (`x-switchboard-cache: on`): a hit never reaches the upstream, is counted once
// in usage and as a hit in /metrics, and a completion cached whole replays as a correct stream to the openai client.
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { parsePrometheusText } from '../helpers/prometheus-text.js';
import { call, tempDataDir } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const CACHE_ON = { headers: { 'x-switchboard-cache': 'on' } };
const dataRoot = tempDataDir('cache');
let gateways = 0;
/** A fresh data directory per gateway: its database would otherwise carry usage and cached answers to the next test. */
const dataDir = () => path.join(dataRoot, String((gateways += 1)));

let alpha: FakeUpstream;
let gw: TestGateway;
beforeAll(async () => {
  alpha = await startOpenAIUpstream();
});
afterAll(async () => {
  await alpha.close();
});
// A gateway per test, so each test's usage and cache counters start from zero.
beforeEach(async () => {
  alpha.requests.length = 0;
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['alpha-key'],
      models: [fakeModel('alpha-chat')],
    },
  ];
  gw = await startTestGateway({ providers }, undefined, { SWITCHBOARD_DATA_DIR: dataDir() });
  return () => gw.close();
});

/** The usage totals of everything so far, and the cache counters of /metrics. */
async function accounting() {
  const usage = await call(gw.url, 'GET', '/v1/usage');
  const metrics = parsePrometheusText((await call(gw.url, 'GET', '/metrics')).body as string);
  return {
    requests: usage.body.totals.requests as number,
    hits: metrics.value('switchboard_cache_requests_total', { result: 'hit' }) ?? 0,
    misses: metrics.value('switchboard_cache_requests_total', { result: 'miss' }) ?? 0,
  };
}

describe('the response cache', () => {
  it('answers the same request the second time from the cache: one upstream call, one usage record', async () => {
    const body = {
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user' as const, content: 'cache me' }],
      temperature: 0,
    };
    alpha.queue({ type: 'text', text: 'first and only answer', usage: { prompt: 11, completion: 4 } });
    const first = await gw.client.chat.completions.create(body, CACHE_ON).withResponse();
    expect(first.response.headers.get('x-switchboard-cache')).toBe('miss');
    const second = await gw.client.chat.completions.create(body, CACHE_ON).withResponse();
    expect(second.response.headers.get('x-switchboard-cache')).toBe('hit');
    expect(second.data.choices[0]!.message.content).toBe('first and only answer');
    expect(second.data.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 4 });
    expect(schemaErrors.completion(second.data)).toEqual([]);
    expect(alpha.requests).toHaveLength(1);
    expect(await accounting()).toEqual({ requests: 1, hits: 1, misses: 1 });

    // Without the header the cache is neither read nor counted; a different request is a miss.
    const uncached = await gw.client.chat.completions.create(body).withResponse();
    expect(uncached.response.headers.get('x-switchboard-cache')).toBeNull();
    await gw.client.chat.completions.create({ ...body, temperature: 1 }, CACHE_ON);
    expect(alpha.requests).toHaveLength(3);
    expect(await accounting()).toEqual({ requests: 3, hits: 1, misses: 2 });
  });

  it('caches the requests a routing rule with cache: true matches, without the header; others are not cached', async () => {
    const providers = [
      {
        id: 'alpha',
        protocol: 'openai',
        baseUrl: alpha.baseUrl,
        apiKeys: ['alpha-key'],
        models: [fakeModel('alpha-chat')],
      },
    ];
    const rules = [{ name: 'cache-translations', when: { task: ['translation'] }, cache: true }];
    const env = { SWITCHBOARD_DATA_DIR: dataDir() };
    const ruled = await startTestGateway({ providers, routing: { rules } }, undefined, env);
    try {
      const translate = {
        model: 'auto',
        messages: [{ role: 'user' as const, content: 'Translate "good morning" into French.' }],
      };
      alpha.queue({ type: 'text', text: 'Bonjour.' });
      expect(
        (await ruled.client.chat.completions.create(translate).withResponse()).response.headers.get(
          'x-switchboard-cache',
        ),
      ).toBe('miss');
      const again = await ruled.client.chat.completions.create(translate).withResponse();
      expect(again.response.headers.get('x-switchboard-cache')).toBe('hit');
      expect(again.data.choices[0]!.message.content).toBe('Bonjour.');
      const chat = { model: 'auto', messages: [{ role: 'user' as const, content: 'Hi, how are you today?' }] };
      await ruled.client.chat.completions.create(chat);
      expect(
        (await ruled.client.chat.completions.create(chat).withResponse()).response.headers.get('x-switchboard-cache'),
      ).toBeNull();
      expect(alpha.requests).toHaveLength(3);
    } finally {
      await ruled.close();
    }
  });

  it('replays a completion cached whole as a stream, usage chunk included', async () => {
    const body = { model: 'alpha/alpha-chat', messages: [{ role: 'user' as const, content: 'stream me later' }] };
    alpha.queue({ type: 'text', text: 'a cached answer in several words', usage: { prompt: 9, completion: 6 } });
    const whole = await gw.client.chat.completions.create(body, CACHE_ON);

    const { data: stream, response } = await gw.client.chat.completions
      .create({ ...body, stream: true, stream_options: { include_usage: true } }, CACHE_ON)
      .withResponse();
    expect(response.headers.get('x-switchboard-cache')).toBe('hit');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let text = '';
    const finishes: Array<string | null> = [];
    const usages: unknown[] = [];
    for await (const chunk of stream) {
      expect(schemaErrors.chunk(chunk)).toEqual([]);
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finishes.push(choice.finish_reason);
      }
      if (chunk.usage) usages.push(chunk.usage);
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(text).toBe('a cached answer in several words');
    expect(finishes.filter((f) => f !== null)).toEqual(['stop']);
    expect(usages).toEqual([expect.objectContaining({ prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 })]);
    expect(alpha.requests).toHaveLength(1);
    expect(await accounting()).toEqual({ requests: 1, hits: 1, misses: 1 });
  });

  it("stores a streamed answer once it ended, and serves it whole; the stream's tokens are in usage", async () => {
    const body = { model: 'alpha/alpha-chat', messages: [{ role: 'user' as const, content: 'stream me first' }] };
    alpha.queue({ type: 'text', text: 'streamed then cached', usage: { prompt: 7, completion: 3 } });
    const stream = await gw.client.chat.completions.create({ ...body, stream: true }, CACHE_ON);
    let text = '';
    const usageChunks: unknown[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks.push(chunk.usage);
    }
    expect(text).toBe('streamed then cached');
    // The client did not ask for usage, so it gets none, though the cache kept it (below).
    expect(usageChunks).toEqual([]);
    // The entry is put as the upstream stream ends, before [DONE] is written; a miss would get the fallback's text.
    alpha.setFallback({ type: 'text', text: 'not from the cache' });
    const { data, response } = await gw.client.chat.completions.create(body, CACHE_ON).withResponse();
    expect(response.headers.get('x-switchboard-cache')).toBe('hit');
    expect(data.choices[0]!.message.content).toBe('streamed then cached');
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(alpha.requests).toHaveLength(1);
    const usage = await call(gw.url, 'GET', '/v1/usage');
    expect(usage.body.totals).toMatchObject({ requests: 1, prompt_tokens: 7, completion_tokens: 3 });
  });
});
