// /admin/client-keys on a real port: admin key only, the key shown once at creation, never listed, 400/404 in OpenAI
// shape.
import { afterEach, describe, expect, it } from 'vitest';
import { startClientKeysApp, TEST_ADMIN_KEY, type ClientKeysApp } from '../../helpers/client-keys-app.js';

const apps: ClientKeysApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(adminKey: string | null = TEST_ADMIN_KEY) {
  const app = await startClientKeysApp({}, adminKey);
  apps.push(app);
  /** `token` null: no Authorization header. */
  const call = async (method: string, path: string, body?: unknown, token: string | null = TEST_ADMIN_KEY) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return { app, call };
}

describe('admin client-key routes', () => {
  it('creates a key, shows it once, and the key then works on /v1', async () => {
    const { app, call } = await start();
    const created = await call('POST', '/admin/client-keys', {
      name: 'ci',
      models: ['groq/llama'],
      rpm: 60,
      dailyTokens: 5000,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^ck_/),
      object: 'client_key',
      key: expect.stringMatching(/^sk-sb-/),
      name: 'ci',
      models: ['groq/llama'],
      rpm: 60,
      dailyTokens: 5000,
      created: expect.any(Number),
    });
    const echo = await fetch(`${app.baseUrl}/v1/echo`, { headers: { authorization: `Bearer ${created.body['key']}` } });
    expect(await echo.json()).toMatchObject({ caller: { kind: 'client', client: { id: created.body['id'] } } });
  });

  it('lists keys without the key or its hash', async () => {
    const { call } = await start();
    const created = await call('POST', '/admin/client-keys', { name: 'listed' });
    const listed = await call('GET', '/admin/client-keys');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      object: 'list',
      data: [
        {
          id: created.body['id'],
          object: 'client_key',
          name: 'listed',
          models: null,
          rpm: null,
          dailyTokens: null,
          created: created.body['created'],
        },
      ],
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body['key'].slice(6));
  });

  it('revokes a key, then answers 404 for it', async () => {
    const { app, call } = await start();
    const created = await call('POST', '/admin/client-keys', { name: 'gone' });
    const id = created.body['id'] as string;
    expect(await call('DELETE', `/admin/client-keys/${id}`)).toEqual({
      status: 200,
      body: { id, object: 'client_key', deleted: true },
    });
    expect((await call('GET', '/admin/client-keys')).body['data']).toEqual([]);
    expect(await app.keys.authenticate(created.body['key'])).toBeUndefined();
    const again = await call('DELETE', `/admin/client-keys/${id}`);
    expect(again.status).toBe(404);
    expect(again.body['error']).toMatchObject({ code: 'client_key_not_found', param: 'id' });
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: 'ok', models: 'groq/llama' }, 'models'],
    [{ name: 'ok', models: [] }, 'models'],
    [{ name: 'ok', rpm: 0 }, 'rpm'],
    [{ name: 'ok', rpm: 1.5 }, 'rpm'],
    [{ name: 'ok', dailyTokens: -1 }, 'dailyTokens'],
  ])('refuses %j with a 400 naming %s', async (body, param) => {
    const { call } = await start();
    const res = await call('POST', '/admin/client-keys', body);
    expect(res.status).toBe(400);
    expect(res.body['error']).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('needs the admin key: 401 without or with a client key, 404 when the admin API is off', async () => {
    const { call } = await start();
    const created = await call('POST', '/admin/client-keys', { name: 'client' });
    expect((await call('GET', '/admin/client-keys', undefined, null)).status).toBe(401);
    const asClient = await call('GET', '/admin/client-keys', undefined, created.body['key']);
    expect(asClient.status).toBe(401);
    expect(asClient.body['error']).toMatchObject({ type: 'authentication_error', code: 'invalid_admin_key' });
    const off = await start(null);
    const res = await off.call('POST', '/admin/client-keys', { name: 'x' }, 'anything');
    expect(res.status).toBe(404);
    expect(res.body['error']).toMatchObject({ code: 'admin_api_disabled' });
  });
});
