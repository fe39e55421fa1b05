// End to end: a provider's circuit opens on a failure rate across distinct requests, never on one request's own
// failures (a poisonous prompt, a tool schema too deep to handle), and an open circuit is a 503, not a rate limit.
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream, RecordedRequest } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { fakeModel } from './harness.js';
import { startKeysGateway, useFakesAndGateway } from './keys-harness.js';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream()]));
let alpha: FakeUpstream;
beforeAll(() => void ([alpha] = fx.fakes));

/** One provider, alpha, serving three models: nothing else can answer, so its circuit decides every answer. */
async function start(accounts: Record<string, unknown> = {}) {
  fx.gw = await startKeysGateway({
    providers: [
      {
        id: 'alpha',
        protocol: 'openai',
        baseUrl: alpha.baseUrl,
        apiKeys: ['sk-alpha-1111aaaa1111'],
        models: ['a1', 'a2', 'a3'].map((id) => fakeModel(id)),
      },
    ],
    accounts,
  });
  return fx.gw;
}

const lastUserText = (req: RecordedRequest) => JSON.stringify(req.body?.messages?.at(-1)?.content ?? '');

/** The status and body of a chat request, sent as-is (no SDK retries). */
async function post(url: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', ...body }),
  });
  return { res, body: (await res.json()) as { error?: { code: string; type: string; param: string | null } } };
}

const say = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('one request cannot take a provider down', () => {
  it('a prompt that makes the upstream fail, retried by the SDK, leaves the circuit closed for everyone else', async () => {
    const gw = await start();
    alpha.setFallback((req) =>
      lastUserText(req).includes('poison') ? { type: 'error', status: 500 } : { type: 'text', text: 'fine' },
    );
    const retrying = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sk-test', maxRetries: 2, timeout: 15_000 });
    const err = await retrying.chat.completions
      .create({ model: 'auto', ...say('poison pill') } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    // Three HTTP requests (the SDK's retries), each trying the three models: nine failures of one prompt.
    expect(alpha.requests.length).toBeGreaterThanOrEqual(9);
    const answer = await gw.client.chat.completions.create({ model: 'auto', ...say('hello') } as never);
    expect(answer.choices[0]!.message.content).toBe('fine');
  });

  it('a tool schema nested thousands of levels deep is a 400 naming the field, and nothing reaches the provider', async () => {
    const gw = await start();
    // Written as text: JSON.stringify itself would overflow the test's stack on it.
    const schema = `${'{"type":"object","properties":{"a":'.repeat(4_500)}{"type":"string"}${'}}'.repeat(4_500)}`;
    const tools = `[{"type":"function","function":{"name":"deep","parameters":${schema}}}]`;
    for (let i = 0; i < 5; i++) {
      const messages = JSON.stringify(say(`deep ${i}`).messages);
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"model":"auto","messages":${messages},"tools":${tools}}`,
      });
      const body = (await res.json()) as { error: { message: string } };
      expect(res.status).toBe(400);
      expect(schemaErrors.error(body)).toEqual([]);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'tools[0].function.parameters' });
    }
    expect(alpha.requests).toHaveLength(0);
    const answer = await gw.client.chat.completions.create({ model: 'auto', ...say('hello') } as never);
    expect(answer.choices[0]!.message.content).toBeTruthy();
  });
});

describe('the circuit', () => {
  const breaker = { breakerMinCalls: 4, breakerMinRequests: 3, breakerFailureRate: 0.5, breakerCooldownMs: 4_000 };

  it('opens when enough calls of enough distinct requests fail, and then answers 503 provider_unavailable with Retry-After', async () => {
    const gw = await start(breaker);
    alpha.setFallback({ type: 'error', status: 500 });
    // Two distinct requests, each failing on the three models: six failed calls, but only two requests.
    for (const prompt of ['one', 'two']) expect((await post(gw.url, say(prompt))).res.status).toBe(502);
    expect(alpha.requests).toHaveLength(6);
    // A third distinct request fails: now the failures come from three requests, and the circuit opens.
    expect((await post(gw.url, say('three'))).res.status).toBe(502);
    const calls = alpha.requests.length;
    const { res, body } = await post(gw.url, say('four'));
    expect(res.status).toBe(503);
    expect(schemaErrors.error(body)).toEqual([]);
    expect(body.error).toMatchObject({ type: 'service_unavailable', code: 'provider_unavailable' });
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(4);
    expect(alpha.requests).toHaveLength(calls);
  });

  it('stays closed while most calls succeed', async () => {
    const gw = await start(breaker);
    let n = 0;
    // Every third call fails: a third of the calls, below the rate that opens the circuit.
    alpha.setFallback(() => (++n % 3 === 0 ? { type: 'error', status: 500 } : { type: 'text', text: 'ok' }));
    for (let i = 0; i < 12; i++) expect((await post(gw.url, say(`request ${i}`))).res.status).toBe(200);
    expect(alpha.requests.length).toBeGreaterThanOrEqual(16);
  });
});
