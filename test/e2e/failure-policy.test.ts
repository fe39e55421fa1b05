// End to end: what the failure policy does over HTTP: attempts spread across providers, a finished stream stays
// finished, every 429 or 503 says when to come back (the earliest any candidate can serve, an overloaded model's own
// Retry-After counted), a prompt too big for every model
// is the same 400 however the model was chosen, and a mid-stream continuation keeps to the run's time budget.
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorReply, FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel } from './harness.js';
import { provider, startKeysGateway, useFakesAndGateway } from './keys-harness.js';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]));
let alpha: FakeUpstream;
let beta: FakeUpstream;
beforeAll(() => void ([alpha, beta] = fx.fakes));

const FAST = { timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 500 } };

/** alpha (quality 0.9, the router's first choice) and beta (0.5), one key each, over the fakes. */
async function startPair(extra: Record<string, unknown> = {}) {
  fx.gw = await startKeysGateway({
    providers: [
      provider('alpha', 'openai', alpha, 0.9, { apiKeys: ['sk-alpha-1111aaaa1111'] }),
      provider('beta', 'openai', beta, 0.5, { apiKeys: ['sk-beta-2222bbbb2222'] }),
    ],
    ...FAST,
    ...extra,
  });
  return fx.gw;
}

/** A port on 127.0.0.1 where nothing listens: connecting to it is refused at once. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function post(url: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello' }], ...body }),
  });
  return { res, body: (await res.json()) as { error?: { code: string; type: string; param: string | null } } };
}

describe('attempts spread across providers', () => {
  it('after a refused connection, skips the rest of that provider and answers from another', async () => {
    const port = await deadPort();
    const dead = `http://127.0.0.1:${port}/v1`;
    fx.gw = await startKeysGateway({
      providers: [
        {
          id: 'dead',
          protocol: 'openai',
          baseUrl: dead,
          apiKeys: ['sk-dead-3333cccc3333'],
          models: ['d1', 'd2', 'd3'].map((id) => fakeModel(id, { quality: 0.95 })),
        },
        provider('beta', 'openai', beta, 0.5, { apiKeys: ['sk-beta-2222bbbb2222'] }),
      ],
      ...FAST,
    });
    beta.setFallback({ type: 'text', text: 'beta is alive' });
    const { data, response } = await fx.gw.client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('beta is alive');
    expect(response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
  });
});

describe('a finished stream is complete', () => {
  it('ends the answer when the upstream goes silent after finish_reason, with no other model after it', async () => {
    const gw = await startPair();
    const words = ['The ', 'answer ', 'is 42.'];
    // role, three pieces, finish: then silence where the usage chunk and [DONE] should come.
    alpha.queue({ type: 'text', text: words.join(''), chunks: words, failAfterEvents: { count: 5, how: 'stall' } });
    beta.setFallback({ type: 'text', text: 'SHOULD NOT APPEAR' });
    const stream = await gw.client.chat.completions.create({
      model: 'alpha/alpha-chat',
      models: ['beta/beta-chat'],
      messages: [{ role: 'user', content: 'What is the answer?' }],
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    const finishes: string[] = [];
    for await (const chunk of stream) {
      expect(finishes).toEqual([]); // nothing after finish_reason
      text += chunk.choices[0]?.delta.content ?? '';
      const finish = chunk.choices[0]?.finish_reason;
      if (finish) finishes.push(finish);
    }
    expect(text).toBe('The answer is 42.');
    expect(finishes).toEqual(['stop']);
    expect(beta.requests).toHaveLength(0);
  });
});

describe('Retry-After', () => {
  it('is there on a 429 even when the upstream gave none: the time the key rests', async () => {
    const gw = await startPair({ accounts: { rateLimitCooldownMs: 9_000 } });
    alpha.setFallback({ type: 'error', status: 429 });
    const { res, body } = await post(gw.url, { model: 'alpha/alpha-chat' });
    expect(res.status).toBe(429);
    expect(body.error?.type).toBe('rate_limit_error');
    expect(res.headers.get('retry-after')).toBe('9');
  });

  it('is the earliest time any candidate can serve, a resting one left out of the plan included', async () => {
    const gw = await startPair();
    alpha.queue({ type: 'error', status: 429, headers: { 'retry-after': '7' } });
    // alpha now rests 7 s; beta answers this one.
    expect((await post(gw.url, {})).res.status).toBe(200);
    beta.queue({ type: 'error', status: 429, headers: { 'retry-after': '120' } });
    const { res } = await post(gw.url, {});
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(7);
  });
});

describe('an overloaded provider', () => {
  it("is a 503 whose Retry-After is the soonest any overloaded model said, when each candidate's own 503 said when", async () => {
    const gw = await startPair();
    alpha.queue({ type: 'error', status: 503, headers: { 'retry-after': '30' } });
    beta.queue({ type: 'error', status: 503, headers: { 'retry-after': '12' } });
    const { res, body } = await post(gw.url, { model: 'alpha/alpha-chat', models: ['beta/beta-chat'] });
    expect(res.status).toBe(503);
    expect(body.error).toMatchObject({ type: 'service_unavailable', code: 'upstream_overloaded' });
    expect(res.headers.get('retry-after')).toBe('12');
  });

  it('is a 503 with the one Retry-After given when every candidate answered 503 and only one said when', async () => {
    // In either order: a 503 that said nothing tells no time, neither "now" nor the client's 502.
    const hint = { 'retry-after': '30' };
    for (const [first, second] of [
      [hint, {}],
      [{}, hint],
    ] as Array<[Record<string, string>, Record<string, string>]>) {
      const gw = await startPair();
      alpha.queue({ type: 'error', status: 503, headers: first });
      beta.queue({ type: 'error', status: 503, headers: second });
      const { res, body } = await post(gw.url, { model: 'alpha/alpha-chat', models: ['beta/beta-chat'] });
      expect(res.status).toBe(503);
      expect(body.error).toMatchObject({ type: 'service_unavailable', code: 'upstream_overloaded' });
      expect(res.headers.get('retry-after')).toBe('30');
      await gw.close();
      fx.gw = undefined;
    }
  });

  it('is the 502 of a failed model when a candidate failed otherwise, or no 503 said when', async () => {
    const replies: Array<[ErrorReply, ErrorReply]> = [
      [
        { type: 'error', status: 503, headers: { 'retry-after': '30' } },
        { type: 'error', status: 500 },
      ],
      [
        { type: 'error', status: 503 },
        { type: 'error', status: 503 },
      ],
    ];
    for (const [first, second] of replies) {
      const gw = await startPair();
      alpha.queue(first);
      beta.queue(second);
      const { res, body } = await post(gw.url, { model: 'alpha/alpha-chat', models: ['beta/beta-chat'] });
      expect(res.status).toBe(502);
      expect(body.error).toMatchObject({ code: 'upstream_error' });
      await gw.close();
      fx.gw = undefined;
    }
  });
});

describe('a prompt too big for every model', () => {
  it("is 400 context_length_exceeded whether the client named the model or asked for 'auto'", async () => {
    const gw = await startPair();
    const huge = [{ role: 'user', content: 'hello world '.repeat(20_000) }];
    for (const model of ['auto', 'alpha/alpha-chat']) {
      const { res, body } = await post(gw.url, { model, messages: huge });
      expect(res.status).toBe(400);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
    }
    expect(alpha.requests.length + beta.requests.length).toBe(0);
  });
});

describe('a mid-stream continuation', () => {
  it("keeps to the run's time budget: past it, the stream ends with an error instead of calling another model", async () => {
    const gw = await startPair({ routing: { totalTimeoutMs: 200 } });
    const words = ['one ', 'two ', 'three ', 'four ', 'five'];
    alpha.queue({
      type: 'text',
      text: words.join(''),
      chunks: words,
      chunkDelayMs: 150,
      failAfterEvents: { count: 4, how: 'break' },
    });
    const stream = await gw.client.chat.completions.create({
      model: 'alpha/alpha-chat',
      models: ['beta/beta-chat'],
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe('one two three ');
    expect(beta.requests).toHaveLength(0);
  });
});
