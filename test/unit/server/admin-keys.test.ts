// The admin key routes on a real port over a real key vault: auth, add/list/remove/validate, and never a key in a
// reply.
import { afterEach, describe, expect, it } from 'vitest';
import { providerKeyId } from '../../../src/accounts/secrets.js';
import { GatewayError } from '../../../src/errors.js';
import { createTestKeyAdmin, startAdminServer, type AdminServer } from '../../helpers/vault-key-admin.js';

const ADMIN = 'admin-key-0123456789abcdef';
const MASTER = 'master-key-0123456789abcdef';
const KEY = 'gsk_live_abcdef0123456789c0de3f9a';
const servers: AdminServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startAdminServer>[0] = { adminKey: ADMIN, masterKey: MASTER }) {
  const server = await startAdminServer(options);
  servers.push(server);
  const call = async (method: string, path: string, body?: unknown, token: string | null = ADMIN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Record<string, any> };
  };
  return { server, call };
}

describe('admin key routes', () => {
  it('answer 404 when no admin key is configured', async () => {
    const { call } = await start({ adminKey: undefined, masterKey: MASTER });
    const { status, body } = await call('GET', '/admin/keys');
    expect(status).toBe(404);
    expect(body['error']).toMatchObject({ code: 'admin_api_disabled', type: 'not_found_error' });
  });

  it('answer 401 without the admin key or with a wrong one, and add nothing', async () => {
    const { call, server } = await start();
    expect((await call('GET', '/admin/keys', undefined, null)).status).toBe(401);
    const wrong = await call('POST', '/admin/keys', { provider: 'groq', key: KEY }, 'not-the-admin-key');
    expect(wrong.status).toBe(401);
    expect(wrong.body['error']).toMatchObject({ type: 'authentication_error', code: 'invalid_admin_key' });
    expect(await server.vault.entries()).toEqual([]);
  });

  it('add a key: 201 with its id and masked form, never the key itself', async () => {
    const { call, server } = await start();
    const { status, text, body } = await call('POST', '/admin/keys', { provider: 'groq', key: KEY });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: providerKeyId('groq', KEY),
      provider: 'groq',
      masked: 'gsk_…3f9a',
      source: 'vault',
      status: 'active',
    });
    expect(text).not.toContain(KEY);
    expect(await server.vault.entries()).toEqual([{ id: providerKeyId('groq', KEY), provider: 'groq', key: KEY }]);
  });

  it('list every key, masked, with its source', async () => {
    const { call } = await start();
    await call('POST', '/admin/keys', { provider: 'mistral', key: KEY });
    const { status, text, body } = await call('GET', '/admin/keys');
    expect(status).toBe(200);
    expect(body['object']).toBe('list');
    expect(body['data']).toEqual([
      expect.objectContaining({ provider: 'groq', source: 'env', masked: 'good…6789' }),
      expect.objectContaining({
        id: providerKeyId('mistral', KEY),
        provider: 'mistral',
        source: 'vault',
        masked: 'gsk_…3f9a',
      }),
    ]);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('good-env-key-0123456789');
  });

  it('delete a run-time key, then 404 for it', async () => {
    const { call, server } = await start();
    const id = providerKeyId('groq', KEY);
    await call('POST', '/admin/keys', { provider: 'groq', key: KEY });
    expect(await call('DELETE', `/admin/keys/${id}`)).toMatchObject({ status: 200, body: { id, deleted: true } });
    expect(await server.vault.has(id)).toBe(false);
    const again = await call('DELETE', `/admin/keys/${id}`);
    expect(again.status).toBe(404);
    expect(again.body['error']).toMatchObject({ code: 'key_not_found', param: 'id' });
  });

  it('answer 404 without echoing a path segment that is not a key id (it may be a pasted key)', async () => {
    const { call } = await start();
    const { status, text } = await call('DELETE', `/admin/keys/${KEY}`);
    expect(status).toBe(404);
    expect(text).not.toContain(KEY);
  });

  it('validate a key and return its health', async () => {
    const { call } = await start();
    const { body: added } = await call('POST', '/admin/keys', { provider: 'groq', key: KEY });
    const { status, body } = await call('POST', `/admin/keys/${added['id']}/validate`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: added['id'],
      ok: false,
      status: 'disabled',
      message: expect.stringContaining('401'),
    });
    const { body: listed } = await call('GET', '/admin/keys');
    expect(listed['data']).toContainEqual(expect.objectContaining({ id: added['id'], status: 'disabled' }));
  });

  it('refuse a bad body with 400 in OpenAI error shape, naming the field and not echoing the key', async () => {
    const { call } = await start();
    const missing = await call('POST', '/admin/keys', { provider: 'groq' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: {
        message: expect.stringContaining("'key'"),
        type: 'invalid_request_error',
        param: 'key',
        code: 'invalid_request',
      },
    });
    const spaced = await call('POST', '/admin/keys', { provider: 'groq', key: `${KEY} ${KEY}` });
    expect(spaced.body['error']).toMatchObject({ param: 'key' });
    expect(spaced.text).not.toContain(KEY);
    const noProvider = await call('POST', '/admin/keys', { key: KEY });
    expect(noProvider.body['error']).toMatchObject({ param: 'provider' });
    expect(noProvider.text).not.toContain(KEY);
    expect((await call('POST', '/admin/keys', '[1]')).body['error']).toMatchObject({ code: 'invalid_body' });
    expect((await call('POST', '/admin/keys', '{bad json')).body['error']).toMatchObject({ code: 'invalid_json' });
  });

  it('pass the KeyAdmin errors through: 404 for an unknown provider, 503 vault_locked without a master key', async () => {
    const unknown = await (await start()).call('POST', '/admin/keys', { provider: 'nope', key: KEY });
    expect(unknown.status).toBe(404);
    expect(unknown.body['error']).toMatchObject({ code: 'provider_not_found', param: 'provider' });
    const locked = await (await start({ adminKey: ADMIN })).call('POST', '/admin/keys', { provider: 'groq', key: KEY });
    expect(locked.status).toBe(503);
    expect(locked.body['error']).toMatchObject({
      code: 'vault_locked',
      message: expect.stringContaining('SWITCHBOARD_MASTER_KEY'),
    });
  });

  it('mask the key in an error that a KeyAdmin lets it slip into, and drop fields KeyInfo does not have', async () => {
    const { call } = await start({
      adminKey: ADMIN,
      masterKey: MASTER,
      keys: (vault) => {
        const inner = createTestKeyAdmin(vault, ['groq']);
        return {
          ...inner,
          canStore: true,
          async add(provider, key) {
            if (provider === 'leaky')
              throw new GatewayError(`the provider refused ${key}`, { status: 400, type: 'invalid_request_error' });
            return { ...(await inner.add(provider, key)), key } as Awaited<ReturnType<typeof inner.add>>;
          },
        };
      },
    });
    const leaky = await call('POST', '/admin/keys', { provider: 'leaky', key: KEY });
    expect(leaky.body['error']['message']).toBe('the provider refused gsk_…3f9a');
    const added = await call('POST', '/admin/keys', { provider: 'groq', key: KEY });
    expect(added.status).toBe(201);
    expect(added.text).not.toContain(KEY);
  });
});
