// End to end on the test Redis: key changes made on instance A reach instance B without a restart: a provider key
// added on A is used by B, one removed on A is no longer sent by B, and a client key revoked on A stops working on B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import { redisEnv, type TestGateway } from './harness.js';
import { keysSeen, provider, startKeysGateway, until } from './keys-harness.js';

const ADMIN = 'sb-admin-test-0123456789';
const BETA_KEY = 'sk-beta-added-on-a-0000000001';
const ask = { model: 'beta/beta-chat', messages: [{ role: 'user' as const, content: 'hi' }] };

let alpha: FakeUpstream;
let beta: FakeUpstream;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  const env = { ...redisEnv('key-propagation'), SWITCHBOARD_MASTER_KEY: 'master-key-propagation-e2e' };
  const config = {
    providers: [
      provider('alpha', 'openai', alpha, 0.5, { apiKeys: ['alpha-key'] }),
      provider('beta', 'openai', beta, 0.9),
    ],
  };
  [a, b] = await Promise.all([startKeysGateway(config, env), startKeysGateway(config, env)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([alpha?.close(), beta?.close()]);
});

/** B's answer to a beta/beta-chat request, as the admin (auth is off for others until a client key exists). */
const askB = () => call(b.url, 'POST', '/v1/chat/completions', ADMIN, ask);

describe('key changes across instances', () => {
  it('a provider key added on A is used by B, and once removed on A, B no longer sends it', async () => {
    expect((await askB()).status).toBe(404);
    const added = await call(a.url, 'POST', '/admin/keys', ADMIN, { provider: 'beta', key: BETA_KEY });
    expect(added.status).toBe(201);
    expect(await until(async () => (await askB()).status === 200, 3_000)).toBe(true);
    expect(keysSeen(beta).at(-1)).toBe(BETA_KEY);

    expect((await call(a.url, 'DELETE', `/admin/keys/${added.body.id}`, ADMIN)).status).toBe(200);
    expect(await until(async () => (await askB()).status === 404, 3_000)).toBe(true);
    const sent = keysSeen(beta).length;
    expect((await askB()).status).toBe(404);
    expect(keysSeen(beta)).toHaveLength(sent);
  });

  it('a client key revoked on A stops working on B', async () => {
    // Two keys: revoking the last one would turn auth off, and any token would do.
    expect((await call(a.url, 'POST', '/admin/client-keys', ADMIN, { name: 'stays' })).status).toBe(201);
    const made = await call(a.url, 'POST', '/admin/client-keys', ADMIN, { name: 'propagation' });
    const key = made.body.key as string;
    const askWith = () => call(b.url, 'POST', '/v1/chat/completions', key, { ...ask, model: 'alpha/alpha-chat' });
    expect((await askWith()).status).toBe(200);
    expect((await call(a.url, 'DELETE', `/admin/client-keys/${made.body.id}`, ADMIN)).status).toBe(200);
    expect(await until(async () => (await askWith()).status === 401, 3_000)).toBe(true);
  });
});
