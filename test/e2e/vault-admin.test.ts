// End to end: the provider-key admin routes: off without SWITCHBOARD_ADMIN_KEY, 401 on a wrong token, removing a
// run-time key turns its provider off again, and keys from the environment or the config cannot be removed (409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { call, filesUnder, modelIds, tempDataDir } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-vault-admin-e2e';
const MASTER = 'master-key-vault-admin-e2e';
const RUNTIME_KEY = 'sk-alpha-runtime-key-0000000001';
const ENV_KEY = 'sk-beta-from-environment-00001';
const CONFIG_KEY = 'sk-gamma-from-config-file-0001';
const dataDir = tempDataDir('vault-admin');

let alpha: FakeUpstream;
let beta: FakeUpstream;
beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha.close(), beta.close()]);
});

/** alpha: no keys (off until one is added); beta: a key from BETA_KEYS; gamma: a key written in the config. */
const config = () => ({
  providers: [
    { id: 'alpha', protocol: 'openai', baseUrl: alpha.baseUrl, models: [fakeModel('alpha-chat')] },
    { id: 'beta', protocol: 'openai', baseUrl: beta.baseUrl, keyEnv: ['BETA_KEYS'], models: [fakeModel('beta-chat')] },
    {
      id: 'gamma',
      protocol: 'openai',
      baseUrl: beta.baseUrl,
      apiKeys: [CONFIG_KEY],
      models: [fakeModel('gamma-chat')],
    },
  ],
});
const env = { SWITCHBOARD_MASTER_KEY: MASTER, SWITCHBOARD_DATA_DIR: dataDir, BETA_KEYS: ENV_KEY };

describe('admin routes without SWITCHBOARD_ADMIN_KEY', () => {
  it("are off: 404 in OpenAI's error shape, whatever token is sent", async () => {
    const gw = await startTestGateway(config(), undefined, env);
    try {
      for (const [method, route] of [
        ['POST', '/admin/keys'],
        ['GET', '/admin/keys'],
        ['GET', '/admin/client-keys'],
        ['POST', '/admin/client-keys'],
        ['GET', '/admin/vault'],
        ['GET', '/admin/keys/providers'],
      ]) {
        const answer = await call(
          gw.url,
          method!,
          route!,
          ADMIN,
          method === 'POST' ? { provider: 'alpha', key: RUNTIME_KEY, name: 'x' } : undefined,
        );
        expect({ route, method, status: answer.status, code: answer.body.error?.code }).toEqual({
          route,
          method,
          status: 404,
          code: 'admin_api_disabled',
        });
        expect(schemaErrors.error(answer.body)).toEqual([]);
      }
      expect(await modelIds(gw.url)).not.toContain('alpha/alpha-chat');
    } finally {
      await gw.close();
    }
  });
});

describe('admin routes with SWITCHBOARD_ADMIN_KEY', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(config(), undefined, { ...env, SWITCHBOARD_ADMIN_KEY: ADMIN });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('answer 401 to a missing or wrong token, and add nothing', async () => {
    for (const token of [undefined, 'not-the-admin-key', `${ADMIN}x`]) {
      const answer = await call(gw.url, 'POST', '/admin/keys', token, { provider: 'alpha', key: RUNTIME_KEY });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_admin_key' });
      expect(schemaErrors.error(answer.body)).toEqual([]);
    }
    for (const route of ['/admin/client-keys', '/admin/vault', '/admin/keys/providers'])
      expect((await call(gw.url, 'GET', route, 'wrong-admin-token')).status).toBe(401);
    expect(await modelIds(gw.url)).toEqual(['auto', 'beta/beta-chat', 'gamma/gamma-chat']);
  });

  it('refuse (400 on key) a key too long or with characters no header can carry; later calls still go out', async () => {
    for (const key of ['k'.repeat(100_000), 'sk-with space', 'sk-with\u0000nul']) {
      const answer = await call(gw.url, 'POST', '/admin/keys', ADMIN, { provider: 'beta', key });
      expect([answer.status, answer.body.error.param]).toEqual([400, 'key']);
      expect(JSON.stringify(answer.body)).not.toContain('kkkkkkkk');
    }
    await gw.client.chat.completions.create({ model: 'beta/beta-chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(beta.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${ENV_KEY}`);
  });

  it('list every key masked with its source', async () => {
    const listed = await call(gw.url, 'GET', '/admin/keys', ADMIN);
    expect(listed.status).toBe(200);
    const rows = (listed.body.data as Array<{ provider: string; source: string; masked: string }>).map(
      ({ provider, source, masked }) => ({ provider, source, masked }),
    );
    expect(rows).toEqual([
      { provider: 'beta', source: 'env', masked: `sk-b…${ENV_KEY.slice(-4)}` },
      { provider: 'gamma', source: 'config', masked: `sk-g…${CONFIG_KEY.slice(-4)}` },
    ]);
    for (const secret of [ENV_KEY, CONFIG_KEY]) expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it('list every provider with its state, and the vault with what it holds, as a run-time key comes and goes', async () => {
    const providers = async () => {
      const { status, body } = await call(gw.url, 'GET', '/admin/keys/providers', ADMIN);
      expect(status).toBe(200);
      const rows = body.data as Array<{ id: string; enabled: boolean; keys: number; reason?: string }>;
      return rows.filter((p) => ['alpha', 'beta', 'gamma'].includes(p.id));
    };
    const vault = async () => (await call(gw.url, 'GET', '/admin/vault', ADMIN)).body;
    expect(await providers()).toEqual([
      expect.objectContaining({ id: 'beta', enabled: true, keys: 1, keyEnv: ['BETA_KEYS'], keyless: false }),
      expect.objectContaining({ id: 'gamma', enabled: true, keys: 1 }),
      expect.objectContaining({ id: 'alpha', enabled: false, keys: 0, reason: 'no apiKeys', keyless: false }),
    ]);
    // The catalog's providers are there too (off: no key in this environment), with where to get a key.
    const catalog = (await call(gw.url, 'GET', '/admin/keys/providers', ADMIN)).body.data as Array<{ id: string }>;
    expect(catalog.find((p) => p.id === 'groq')).toMatchObject({
      enabled: false,
      keyEnv: ['GROQ_API_KEY'],
      signupUrl: 'https://console.groq.com/keys',
      notes: expect.stringContaining('Free'),
    });
    expect(await vault()).toEqual({ configured: true, location: expect.any(String), entries: 0, problems: [] });

    const added = await call(gw.url, 'POST', '/admin/keys', ADMIN, { provider: 'alpha', key: RUNTIME_KEY });
    expect(added.status).toBe(201);
    expect((await providers()).find((p) => p.id === 'alpha')).toMatchObject({ enabled: true, keys: 1 });
    expect(await vault()).toMatchObject({ configured: true, entries: 1, problems: [] });
    expect((await call(gw.url, 'DELETE', `/admin/keys/${added.body.id}`, ADMIN)).status).toBe(200);
    expect(await vault()).toMatchObject({ entries: 0 });
  });

  it('DELETE of a run-time key turns its provider off again and removes it from the data dir', async () => {
    const added = await call(gw.url, 'POST', '/admin/keys', ADMIN, { provider: 'alpha', key: RUNTIME_KEY });
    expect(added.status).toBe(201);
    const { id } = added.body as { id: string };
    expect(await modelIds(gw.url)).toContain('alpha/alpha-chat');
    expect(filesUnder(dataDir).some((f) => f.text.includes(id))).toBe(true);
    // validate probes alpha's model list with the key.
    const validated = await call(gw.url, 'POST', `/admin/keys/${id}/validate`, ADMIN);
    expect(validated.body).toMatchObject({ id, ok: true, status: 'active' });
    expect(alpha.requests.map((r) => [r.method, r.path, r.headers['authorization']])).toEqual([
      ['GET', '/v1/models', `Bearer ${RUNTIME_KEY}`],
    ]);

    const removed = await call(gw.url, 'DELETE', `/admin/keys/${id}`, ADMIN);
    expect(removed).toMatchObject({ status: 200, body: { id, deleted: true } });
    expect(await modelIds(gw.url)).not.toContain('alpha/alpha-chat');
    const err = await gw.client.chat.completions
      .create({ model: 'alpha/alpha-chat', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(alpha.requests).toHaveLength(1);
    expect(filesUnder(dataDir).some((f) => f.text.includes(id))).toBe(false);
    // A second DELETE finds nothing.
    expect((await call(gw.url, 'DELETE', `/admin/keys/${id}`, ADMIN)).status).toBe(404);
  });

  it('refuses (409) to remove a key from the environment or the config file, which keeps working', async () => {
    const listed = (await call(gw.url, 'GET', '/admin/keys', ADMIN)).body.data as Array<{ id: string; source: string }>;
    for (const source of ['env', 'config']) {
      const { id } = listed.find((k) => k.source === source)!;
      const refused = await call(gw.url, 'DELETE', `/admin/keys/${id}`, ADMIN);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('key_not_removable');
      expect(schemaErrors.error(refused.body)).toEqual([]);
    }
    expect(await modelIds(gw.url)).toEqual(['auto', 'beta/beta-chat', 'gamma/gamma-chat']);
    await gw.client.chat.completions.create({ model: 'beta/beta-chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(beta.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${ENV_KEY}`);
  });
});
