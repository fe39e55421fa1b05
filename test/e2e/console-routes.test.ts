// The gateway serves the console: / redirects to /ui/, any path under /ui answers with the app's index.html, hashed
// assets are cached for good, and GET /v1/me tells a caller who it is.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

const ADMIN_KEY = 'sb-admin-console-routes';

describe('console routes and /v1/me', () => {
  let gw: TestGateway;
  let bare: TestGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-ui-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    gw = await startTestGateway({}, undefined, { SWITCHBOARD_UI_DIR: dir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY });
    bare = await startTestGateway({}, undefined, { SWITCHBOARD_UI_DIR: mkdtempSync(path.join(tmpdir(), 'sb-no-ui-')) });
  });
  afterAll(async () => {
    await gw?.close();
    await bare?.close();
  });

  it('redirects / to /ui/ and answers any page under /ui with index.html, not cached', async () => {
    const root = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    for (const page of ['/ui', '/ui/', '/ui/runs/run_1', '/ui/usage?range=7d']) {
      const res = await fetch(`${gw.url}${page}`);
      expect(res.status, page).toBe(200);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable, and a missing asset as 404 rather than the page', async () => {
    const asset = await fetch(`${gw.url}/ui/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${gw.url}/ui/assets/gone-000.js`)).status).toBe(404);
  });

  it('says how to build the console when it is not built', async () => {
    const res = await fetch(`${bare.url}/ui/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });

  it('GET /v1/me: anonymous with auth off; the admin; a client key with its name once auth is on', async () => {
    expect(await (await fetch(`${gw.url}/v1/me`)).json()).toEqual({
      role: 'anonymous',
      auth_required: false,
      admin_api: true,
    });
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    expect(await (await fetch(`${gw.url}/v1/me`, { headers: admin })).json()).toMatchObject({ role: 'admin' });
    const created = await fetch(`${gw.url}/admin/client-keys`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', models: ['alpha/alpha-chat'] }),
    });
    const { key, id } = (await created.json()) as { key: string; id: string };
    const me = await fetch(`${gw.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toEqual({
      role: 'client',
      auth_required: true,
      admin_api: true,
      client_key: { id, name: 'ci', models: ['alpha/alpha-chat'] },
    });
    const refused = await fetch(`${gw.url}/v1/me`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });
});
