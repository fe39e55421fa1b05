// End to end: every error of the /v1/messages door in Anthropic's body and status, raised by @anthropic-ai/sdk as its
// own error classes: auth (the key in x-api-key or as a Bearer token), a key's rpm limit and models, bad bodies, bad
// JSON, too-large bodies, unknown models and routes.
import Anthropic from '@anthropic-ai/sdk';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { expectErrorBody } from '../helpers/anthropic-shapes.js';
import { call, tempDataDir } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-anthropic-e2e';
const root = tempDataDir('anthropic-errors');
const hello = { model: 'alpha/alpha-chat', max_tokens: 20, messages: [{ role: 'user' as const, content: 'hi' }] };

let alpha: FakeUpstream;
let gw: TestGateway;
let dirs = 0;
beforeAll(async () => {
  alpha = await startOpenAIUpstream();
});
afterAll(async () => {
  await alpha.close();
});
beforeEach(async () => {
  alpha.requests.length = 0;
  alpha.setFallback({ type: 'text', text: DEFAULT_TEXT });
  const providers = [
    { id: 'alpha', protocol: 'openai', baseUrl: alpha.baseUrl, apiKeys: ['k'], models: [fakeModel('alpha-chat')] },
  ];
  gw = await startTestGateway({ providers, server: { port: 0, host: '127.0.0.1', bodyLimit: '2kb' } }, undefined, {
    SWITCHBOARD_ADMIN_KEY: ADMIN,
    SWITCHBOARD_DATA_DIR: path.join(root, String(dirs++)),
  });
});
afterEach(async () => {
  await gw?.close();
});

const sdk = (options: { apiKey?: string | null; authToken?: string | null }) =>
  new Anthropic({ baseURL: gw.url, maxRetries: 0, timeout: 15_000, apiKey: null, authToken: null, ...options });

/** The error a call rejected with (fails when it did not reject). */
async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const err = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Anthropic.APIError);
  return err as InstanceType<typeof Anthropic.APIError>;
}

async function createKey(params: Record<string, unknown>): Promise<string> {
  const created = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, params);
  expect(created.status).toBe(201);
  return (created.body as { key: string }).key;
}

/** A raw request to the door, as a client that is not the SDK might send it. */
async function raw(route: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

describe('client keys on /v1/messages', () => {
  it('takes the key in x-api-key or as a Bearer token; none or a wrong one is an AuthenticationError', async () => {
    const key = await createKey({ name: 'claude-code' });
    // The SDK will not send a request without a key: a plain client does.
    const missing = await raw('/v1/messages', JSON.stringify(hello));
    expect(missing.status).toBe(401);
    expectErrorBody(missing.body, 'authentication_error');
    expect((missing.body as { error: { message: string } }).error.message).toMatch(/x-api-key/);
    const wrong = await failure(sdk({ apiKey: 'sk-wrong-key-0000000000' }).messages.create(hello));
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expectErrorBody(wrong.error, 'authentication_error');
    expect(wrong.requestID).toMatch(/^req_/);

    const viaApiKey = await sdk({ apiKey: key }).messages.create(hello);
    expect(viaApiKey.content).toEqual([{ type: 'text', text: DEFAULT_TEXT, citations: null }]);
    const viaBearer = await sdk({ authToken: key }).messages.create(hello);
    expect(viaBearer.content).toEqual(viaApiKey.content);
    expect(alpha.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('a key over its rpm gets a RateLimitError with Retry-After, and the upstream never sees the call', async () => {
    const client = sdk({ apiKey: await createKey({ name: 'slow', rpm: 1 }) });
    await client.messages.create(hello);
    const limited = await failure(client.messages.create(hello));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.status).toBe(429);
    expectErrorBody(limited.error, 'rate_limit_error');
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(alpha.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a key limited to other models gets a PermissionDeniedError', async () => {
    const client = sdk({ apiKey: await createKey({ name: 'narrow', models: ['beta/*'] }) });
    const denied = await failure(client.messages.create(hello));
    expect(denied).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expectErrorBody(denied.error, 'permission_error');
  });
});

describe('request errors on /v1/messages', () => {
  it('a body without max_tokens, or with a block type the gateway cannot serve, is a BadRequestError naming the field', async () => {
    const client = sdk({ apiKey: 'anything' });
    const noMax = await failure(client.messages.create({ ...hello, max_tokens: undefined } as never));
    expect(noMax).toBeInstanceOf(Anthropic.BadRequestError);
    expectErrorBody(noMax.error, 'invalid_request_error');
    expect(noMax.error).toMatchObject({ error: { message: 'max_tokens: Field required' } });
    const doc = await failure(
      client.messages.create({
        ...hello,
        messages: [
          {
            role: 'user',
            content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }],
          },
        ],
      }),
    );
    expect(doc).toBeInstanceOf(Anthropic.BadRequestError);
    expect((doc.error as { error: { message: string } }).error.message).toMatch(/^messages\.0\.content\.0/);
    const serverTool = await failure(
      client.messages.create({ ...hello, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
    );
    expect((serverTool.error as { error: { message: string } }).error.message).toMatch(
      /^tools\.0\.type: .*server tools/,
    );
    expect(alpha.requests).toHaveLength(0);
  });

  it('a model nobody serves (and no alias names) is a NotFoundError', async () => {
    const missing = await failure(sdk({ apiKey: 'x' }).messages.create({ ...hello, model: 'gpt-nonexistent' }));
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expectErrorBody(missing.error, 'not_found_error');
  });

  it('bad JSON, a body over the limit and an unknown route under /v1/messages answer in Anthropic shapes', async () => {
    const badJson = await raw('/v1/messages', '{"model": ');
    expect(badJson.status).toBe(400);
    expectErrorBody(badJson.body, 'invalid_request_error');
    expect(badJson.headers.get('request-id')).toBe((badJson.body as { request_id: string }).request_id);

    const big = await raw('/v1/messages', JSON.stringify({ ...hello, system: 'x'.repeat(4_000) }));
    expect(big.status).toBe(413);
    expectErrorBody(big.body, 'request_too_large');

    const unknown = await raw('/v1/messages/batches', '{}');
    expect(unknown.status).toBe(404);
    expectErrorBody(unknown.body, 'not_found_error');
    // Other routes keep OpenAI's error body.
    const chat = await raw('/v1/chat/completions', '{"model": ');
    expect(chat.body).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
  });

  it.each([
    ['an empty', ''],
    ['a white-space-only', '\n\n  '],
  ])(
    '%s upstream answer, streamed or not, is an api_error before any event, not an empty message',
    async (_label, text) => {
      alpha.setFallback({ type: 'text', text });
      const client = sdk({ apiKey: 'x' });
      const whole = await failure(client.messages.create(hello));
      const streamed = await failure(client.messages.stream(hello).finalMessage());
      for (const err of [whole, streamed]) {
        expect(err).toBeInstanceOf(Anthropic.InternalServerError);
        expectErrorBody(err.error, 'api_error');
      }
    },
  );

  it('accepts any anthropic-version, and none', async () => {
    for (const version of ['2023-06-01', '2099-01-01']) {
      const answer = await raw('/v1/messages', JSON.stringify(hello), { 'anthropic-version': version });
      expect(answer.status).toBe(200);
    }
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    expect(res.status).toBe(200);
  });
});
