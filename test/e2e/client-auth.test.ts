// End to end: gateway client keys: /v1 is open until one exists (or SWITCHBOARD_REQUIRE_AUTH=1), then needs one;
// per-key rpm, daily token budget and allowed models are enforced before any upstream call; revoked keys stop working.
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { call, clientWith, modelIds, tempDataDir } from './accounts-harness.js';
import { fakeModel, redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-client-auth-e2e';
const root = tempDataDir('client-auth');
const ask = { model: 'alpha/alpha-chat', messages: [{ role: 'user' as const, content: 'hi' }] };

let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let dirs = 0;
beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha.close(), beta.close()]);
});
afterEach(async () => {
  await gw?.close();
});

/** beta ranks above alpha for `auto`. */
const config = () => ({
  providers: [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['alpha-key'],
      models: [fakeModel('alpha-chat', { quality: 0.5 })],
    },
    {
      id: 'beta',
      protocol: 'openai',
      baseUrl: beta.baseUrl,
      apiKeys: ['beta-key'],
      models: [fakeModel('beta-chat', { quality: 0.9 })],
    },
  ],
});

/** A gateway (in `gw`) with its own data dir, in front of fakes that forgot their requests. */
async function start(extraEnv: Record<string, string> = {}): Promise<void> {
  for (const fake of [alpha, beta]) {
    fake.requests.length = 0;
    fake.setFallback({ type: 'text', text: DEFAULT_TEXT });
  }
  gw = await startTestGateway(config(), undefined, {
    SWITCHBOARD_ADMIN_KEY: ADMIN,
    SWITCHBOARD_DATA_DIR: path.join(root, String(dirs++)),
    ...extraEnv,
  });
}

/** Creates a client key through the admin API; its secret and id. */
async function createKey(params: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const created = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, params);
  expect(created.status).toBe(201);
  return created.body as { id: string; key: string };
}

/** The error a call rejected with (fails when it did not reject). */
async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

const noAuth = { headers: { authorization: null } };

describe('client keys over HTTP', () => {
  beforeEach(() => start());

  it('/v1 is open until a key is created; from then on a missing or wrong key is a 401, the right one or the admin key a 200', async () => {
    expect((await gw.client.chat.completions.create(ask, noAuth)).choices[0]!.message.content).toBe(DEFAULT_TEXT);
    expect((await call(gw.url, 'GET', '/v1/models')).status).toBe(200);

    const created = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'team' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'client_key',
      name: 'team',
      key: expect.stringMatching(/^sk-sb-[A-Za-z0-9_-]{40,}$/),
    });
    const { id, key } = created.body as { id: string; key: string };
    const listed = await call(gw.url, 'GET', '/admin/client-keys', ADMIN);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id, name: 'team', models: null, rpm: null, dailyTokens: null }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(6));

    const before = alpha.requests.length;
    const missing = await failure(gw.client.chat.completions.create(ask, noAuth));
    expect(missing).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(missing.code).toBe('invalid_api_key');
    expect(missing.message).toContain("You didn't provide an API key");
    const modelsMissing = await call(gw.url, 'GET', '/v1/models');
    expect(modelsMissing.status).toBe(401);
    expect(schemaErrors.error(modelsMissing.body)).toEqual([]);

    const wrongToken = 'sk-sb-this-is-not-a-key-of-ours-9z8y';
    const wrong = await failure(clientWith(gw.url, wrongToken).chat.completions.create(ask));
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong.message).toContain('sk-sb-…9z8y');
    expect(wrong.message).not.toContain(wrongToken);
    expect((await failure(clientWith(gw.url, wrongToken).models.list())).status).toBe(401);
    expect(alpha.requests.length).toBe(before);

    const right = clientWith(gw.url, key);
    expect((await right.chat.completions.create(ask)).choices[0]!.message.content).toBe(DEFAULT_TEXT);
    expect((await right.models.list()).data.map((m) => m.id)).toContain('alpha/alpha-chat');
    expect((await clientWith(gw.url, ADMIN).chat.completions.create(ask)).choices[0]!.message.content).toBe(
      DEFAULT_TEXT,
    );
    expect(alpha.requests.length).toBe(before + 2);
  });

  it('a key with rpm 2 gets a 429 with Retry-After on its third request in the minute, which never reaches the upstream', async () => {
    const client = clientWith(gw.url, (await createKey({ name: 'slow', rpm: 2 })).key);
    await client.chat.completions.create(ask);
    await client.chat.completions.create(ask);
    const err = await failure(client.chat.completions.create(ask));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('client_rate_limit');
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(alpha.requests).toHaveLength(2);
    // Another key, and the admin, are not limited by it.
    await clientWith(gw.url, ADMIN).chat.completions.create(ask);
    expect(alpha.requests).toHaveLength(3);
  });

  it('a key with a daily token budget gets a 429 (insufficient_quota) once the budget is spent', async () => {
    alpha.setFallback({ type: 'text', text: 'costly', usage: { prompt: 20, completion: 15 } });
    const client = clientWith(gw.url, (await createKey({ name: 'budget', dailyTokens: 30 })).key);
    const first = await client.chat.completions.create(ask);
    expect(first.usage?.total_tokens).toBe(35);
    const err = await failure(client.chat.completions.create(ask));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect({ type: err.type, code: err.code }).toEqual({
      type: 'insufficient_quota',
      code: 'daily_token_budget_exceeded',
    });
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(alpha.requests).toHaveLength(1);
  });

  it('a key limited to alpha/alpha-chat gets a 403 for beta, and `auto` routes (and falls back) only to alpha', async () => {
    const { key } = await createKey({ name: 'alpha-only', models: ['alpha/alpha-chat'] });
    const client = clientWith(gw.url, key);
    expect(await modelIds(gw.url, key)).toEqual(['auto', 'alpha/alpha-chat']);
    const denied = await failure(client.chat.completions.create({ ...ask, model: 'beta/beta-chat' }));
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied.code).toBe('model_not_allowed');

    // The admin's `auto` picks beta (higher quality): the key's `auto` must not.
    const admin = await clientWith(gw.url, ADMIN)
      .chat.completions.create({ ...ask, model: 'auto' })
      .withResponse();
    expect(admin.response.headers.get('x-switchboard-model')).toBe('beta/beta-chat');
    const limited = await client.chat.completions.create({ ...ask, model: 'auto' }).withResponse();
    expect(limited.response.headers.get('x-switchboard-model')).toBe('alpha/alpha-chat');

    alpha.queue({ type: 'error', status: 500 });
    await failure(client.chat.completions.create({ ...ask, model: 'auto' }));
    expect(beta.requests).toHaveLength(1);
    expect(alpha.requests).toHaveLength(2);
  });

  it('a revoked key gets a 401 at once', async () => {
    const { id, key } = await createKey({ name: 'leaving' });
    await createKey({ name: 'staying' });
    const client = clientWith(gw.url, key);
    await client.chat.completions.create(ask);
    expect((await call(gw.url, 'DELETE', `/admin/client-keys/${id}`, ADMIN)).body).toEqual({
      id,
      object: 'client_key',
      deleted: true,
    });
    expect(await failure(client.chat.completions.create(ask))).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(
      (await call(gw.url, 'GET', '/admin/client-keys', ADMIN)).body.data.map((k: { name: string }) => k.name),
    ).toEqual(['staying']);
    expect(alpha.requests).toHaveLength(1);
  });
});

describe('SWITCHBOARD_REQUIRE_AUTH=1', () => {
  beforeEach(() => start({ SWITCHBOARD_REQUIRE_AUTH: '1' }));

  it('asks for a key before any exists; the admin key passes', async () => {
    expect(await failure(gw.client.chat.completions.create(ask, noAuth))).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await failure(gw.client.chat.completions.create(ask))).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await call(gw.url, 'GET', '/v1/models')).status).toBe(401);
    expect(alpha.requests).toHaveLength(0);
    await clientWith(gw.url, ADMIN).chat.completions.create(ask);
    expect((await call(gw.url, 'GET', '/v1/models', ADMIN)).status).toBe(200);
    expect(alpha.requests).toHaveLength(1);
  });
});

describe('client keys on a shared Redis', () => {
  it('a key made on one instance works on another, and its rpm counts across both', async () => {
    const env = redisEnv('client-auth');
    await start(env);
    const other = await startTestGateway(config(), undefined, { ...env, SWITCHBOARD_ADMIN_KEY: ADMIN });
    try {
      const { key } = await createKey({ name: 'shared', rpm: 2 });
      await clientWith(gw.url, key).chat.completions.create(ask);
      // The other instance has not seen the key yet: the unknown token makes it re-read the store.
      await clientWith(other.url, key).chat.completions.create(ask);
      expect(await failure(clientWith(gw.url, key).chat.completions.create(ask))).toBeInstanceOf(OpenAI.RateLimitError);
      expect(await failure(clientWith(other.url, key).chat.completions.create(ask))).toBeInstanceOf(
        OpenAI.RateLimitError,
      );
      expect(alpha.requests).toHaveLength(2);
    } finally {
      await other.close();
    }
  });
});
