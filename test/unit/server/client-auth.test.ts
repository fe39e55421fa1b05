// clientAuth on a real port: open while no key exists, then 401/429 in OpenAI's error body, and the admin key accepted.
import { afterEach, describe, expect, it } from 'vitest';
import { createClientKeys, type ClientKeys, type ClientKeysOptions } from '../../../src/accounts/client-keys.js';
import { createMemoryRecordStore } from '../../../src/storage/memory/records.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';
import { startClientKeysApp, TEST_ADMIN_KEY as ADMIN_KEY, type ClientKeysApp } from '../../helpers/client-keys-app.js';

const apps: ClientKeysApp[] = [];
const opened: ClientKeys[] = [];
afterEach(async () => {
  opened.splice(0).forEach((keys) => keys.close());
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** `adminKey` null: the gateway has none configured. */
async function start(options: Partial<ClientKeysOptions> = {}, adminKey: string | null = ADMIN_KEY) {
  const app = await startClientKeysApp(options, adminKey);
  apps.push(app);
  const get = async (token?: string) => {
    const res = await fetch(
      `${app.baseUrl}/v1/echo`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as Record<string, any>,
    };
  };
  return { keys: app.keys, get };
}

describe('clientAuth', () => {
  it('lets anyone in while no client key exists, whatever token they send', async () => {
    const { get } = await start();
    expect(await get()).toMatchObject({ status: 200, body: { caller: { kind: 'anonymous' } } });
    expect(await get('sk-anything-the-sdk-needs')).toMatchObject({
      status: 200,
      body: { caller: { kind: 'anonymous' } },
    });
  });

  it('answers 401 without a key once one exists, in OpenAI error shape', async () => {
    const { keys, get } = await start();
    await keys.create({ name: 'app' });
    const { status, body } = await get();
    expect(status).toBe(401);
    expect(body).toEqual({
      error: {
        message: expect.stringContaining("You didn't provide an API key"),
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
  });

  it('answers 401 for a wrong key, echoing it masked', async () => {
    const { keys, get } = await start();
    await keys.create({ name: 'app' });
    const wrong = 'sk-sb-thisIsNotARealKeyAtAll0000abcd';
    const { status, body } = await get(wrong);
    expect(status).toBe(401);
    expect(body['error']).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(body['error'].message).toBe('Incorrect API key provided: sk-sb-…abcd.');
    expect(JSON.stringify(body)).not.toContain('thisIsNotARealKey');
  });

  it('identifies a client key and the admin key', async () => {
    const { keys, get } = await start();
    const created = await keys.create({ name: 'app', rpm: 10 });
    expect(await get(created.key)).toMatchObject({
      status: 200,
      body: { caller: { kind: 'client', client: { id: created.id, name: 'app' } } },
    });
    expect(await get(ADMIN_KEY)).toMatchObject({ status: 200, body: { caller: { kind: 'admin' } } });
  });

  it('does not take the admin key when none is configured', async () => {
    const { keys, get } = await start({}, null);
    await keys.create({ name: 'app' });
    expect((await get(ADMIN_KEY)).status).toBe(401);
  });

  it('answers 429 with Retry-After over the rpm limit', async () => {
    const { keys, get } = await start();
    const created = await keys.create({ name: 'slow', rpm: 1 });
    expect((await get(created.key)).status).toBe(200);
    const refused = await get(created.key);
    expect(refused.status).toBe(429);
    expect(refused.body['error']).toMatchObject({ type: 'rate_limit_error', code: 'client_rate_limit' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('answers 429 insufficient_quota once the daily budget is spent', async () => {
    const { keys, get } = await start();
    const created = await keys.create({ name: 'budget', dailyTokens: 50 });
    await keys.recordTokens(created.id, 50);
    const refused = await get(created.key);
    expect(refused.status).toBe(429);
    expect(refused.body['error']).toMatchObject({ type: 'insufficient_quota', code: 'daily_token_budget_exceeded' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('with requireAuth, asks for a key even while none exists', async () => {
    const { get } = await start({ requireAuth: true });
    expect((await get()).status).toBe(401);
    expect((await get('sk-sb-whatever-but-long-enough')).status).toBe(401);
    expect((await get(ADMIN_KEY)).status).toBe(200);
  });

  it('accepts, on first use, a key made by another instance on the same store', async () => {
    const records = createMemoryRecordStore();
    const { get } = await start({ records });
    const other = await createClientKeys({ records, windows: createMemoryWindowStore(), requireAuth: false });
    opened.push(other);
    const created = await other.create({ name: 'elsewhere' });
    expect(await get(created.key)).toMatchObject({
      status: 200,
      body: { caller: { kind: 'client', client: { id: created.id } } },
    });
    expect((await get()).status).toBe(401);
  });
});
