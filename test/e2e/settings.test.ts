// End to end: the settings a console changes at run time (switches of providers and models, the default mode, the
// routing rules), through the admin API of a real gateway on SQLite, with the openai client and fake upstreams.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, modelIds, tempDataDir } from './accounts-harness.js';
import type { TestGateway } from './harness.js';
import { chatRequests } from './process-harness.js';
import {
  admin,
  explainedMode,
  settingsOf,
  startFileGateway,
  testConfig,
  twoProviders,
  settingOf,
  writeYaml,
} from './settings-harness.js';

let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let dataDir: string;
let file: string;
const dataRoot = tempDataDir('settings');
let tests = 0;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha?.close(), beta?.close()]);
});
beforeEach(async () => {
  for (const fake of [alpha, beta]) {
    fake.requests.length = 0;
    fake.setFallback({ type: 'text', text: DEFAULT_TEXT });
  }
  tests += 1;
  dataDir = `${dataRoot}-${tests}`;
  file = writeYaml(
    testConfig({
      logLevel: 'silent',
      providers: [
        ...twoProviders(alpha, beta),
        // In the file but off: it has no protocol or base URL, so it can never be switched on.
        { id: 'draft', enabled: false, apiKeys: ['k'] },
      ],
      // `auto` must pick alpha again once it is back: after beta's answers a learning bandit, or balanced's steering
      // toward beta's measured speed, could keep beta first.
      routing: { defaultMode: 'balanced', bandit: { enabled: false }, complexity: { span: 0 } },
    }),
  );
  gw = await startFileGateway(file, { SWITCHBOARD_DATA_DIR: dataDir });
});
afterEach(async () => {
  await gw?.close();
});

const ask = (model = 'auto') =>
  gw.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).then((c) => c.model);

describe('switching models and providers at run time', () => {
  it('a model switched off leaves /v1/models and routing, a request naming it is told why, and a reset brings it back', async () => {
    expect(await modelIds(gw.url)).toContain('alpha/alpha-chat');
    const put = await admin(gw.url, 'PUT', '/admin/models/alpha/alpha-chat/enabled', { enabled: false });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: 'alpha/alpha-chat',
      provider: 'alpha',
      enabled: false,
      source: 'console',
      base: true,
      active: false,
      reason: 'switched off at run time',
    });

    expect(await modelIds(gw.url)).toEqual(['auto', 'beta/beta-chat']);
    for (let i = 0; i < 3; i++) expect(await ask()).toBe('beta/beta-chat');
    expect(chatRequests(alpha)).toBe(0);
    const named = await call(gw.url, 'POST', '/v1/chat/completions', undefined, {
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(named.status).toBe(404);
    expect(named.body).toMatchObject({ error: { code: 'model_disabled', param: 'model' } });
    expect((named.body as { error: { message: string } }).error.message).toMatch(/switched off/);

    // URL-encoded id, the same model: reset to the file's setting.
    const reset = await admin(gw.url, 'DELETE', '/admin/models/alpha%2Falpha-chat/enabled');
    expect(reset.body).toMatchObject({ enabled: true, source: 'default', active: true });
    expect(await ask()).toBe('alpha/alpha-chat');
  });

  it('a provider switched off takes all its models out; one that cannot be switched on is refused with 409', async () => {
    const off = await admin(gw.url, 'PUT', '/admin/providers/beta/enabled', { enabled: false });
    expect(off.body).toMatchObject({ id: 'beta', enabled: false, source: 'console', active: false });
    expect(await modelIds(gw.url)).toEqual(['auto', 'alpha/alpha-chat']);
    const view = await settingsOf(gw.url);
    expect(view.models.find((m) => m.id === 'beta/beta-chat')).toMatchObject({
      enabled: true,
      active: false,
      reason: "its provider 'beta' is switched off at run time",
    });

    const refused = await admin(gw.url, 'PUT', '/admin/providers/draft/enabled', { enabled: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'switch_refused' } });
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/protocol/);
    expect((await settingsOf(gw.url)).providers.find((p) => p.id === 'draft')).toMatchObject({
      enabled: false,
      source: 'file',
    });

    expect((await admin(gw.url, 'PUT', '/admin/providers/nowhere/enabled', { enabled: true })).status).toBe(404);
    const bad = await admin(gw.url, 'PUT', '/admin/providers/beta/enabled', { enabled: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { param: 'enabled', type: 'invalid_request_error' } });
  });
});

describe('routing settings at run time', () => {
  it('sets the default mode and the rules, validated by the config schema, and resets them to the file with null', async () => {
    expect(await explainedMode(gw.url)).toEqual({ mode: 'balanced' });
    const rules = [{ name: 'poems-fast', when: { keywords: ['poem'] }, mode: 'fastest' }];
    const patched = await admin(gw.url, 'PATCH', '/admin/settings', {
      routing: { defaultMode: 'best_quality', rules },
    });
    expect(patched.status).toBe(200);
    expect(await explainedMode(gw.url)).toEqual({ mode: 'best_quality' });
    expect(await explainedMode(gw.url, 'write a poem')).toEqual({ mode: 'fastest', rule: 'poems-fast' });
    const view = await settingsOf(gw.url);
    expect(settingOf(view, 'routing.defaultMode')).toMatchObject({
      value: 'best_quality',
      source: 'console',
      base: 'balanced',
      live: true,
      editable: true,
    });
    expect(settingOf(view, 'routing.defaultMode')?.updatedAt).toEqual(expect.any(Number));

    const bad = await admin(gw.url, 'PATCH', '/admin/settings', {
      routing: { rules: [{ name: 'x', when: { task: ['poetry'] } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { param: 'routing.rules[0].when.task[0]', type: 'invalid_request_error' },
    });
    const unknownKey = await admin(gw.url, 'PATCH', '/admin/settings', { routing: { defaultMod: 'fastest' } });
    expect(unknownKey.body).toMatchObject({ error: { param: 'routing.defaultMod' } });
    // Nothing of a refused change was applied.
    expect(await explainedMode(gw.url, 'write a poem')).toEqual({ mode: 'fastest', rule: 'poems-fast' });

    await admin(gw.url, 'PATCH', '/admin/settings', { routing: { defaultMode: null, rules: null } });
    expect(await explainedMode(gw.url, 'write a poem')).toEqual({ mode: 'balanced' });
    expect(settingOf(await settingsOf(gw.url), 'routing.defaultMode')).toMatchObject({ source: 'file' });
  });

  it('tells where each value comes from, and needs the admin key', async () => {
    const view = await settingsOf(gw.url);
    expect(view.file).toBe(file);
    expect(settingOf(view, 'server.port')).toMatchObject({ value: 0, source: 'file', live: false, editable: false });
    expect(settingOf(view, 'routing.maxAttempts')).toMatchObject({ value: 3, source: 'default', live: true });
    expect(view.providers.find((p) => p.id === 'groq')).toMatchObject({ source: 'default', active: false });
    expect(JSON.stringify(view)).not.toContain('alpha-key');
    expect((await call(gw.url, 'GET', '/admin/settings')).status).toBe(401);
    expect((await call(gw.url, 'PATCH', '/admin/settings', 'wrong', {})).status).toBe(401);
  });

  it('keeps console values across a restart on the same SQLite database', async () => {
    await admin(gw.url, 'PATCH', '/admin/settings', { routing: { defaultMode: 'fastest' } });
    await admin(gw.url, 'PUT', '/admin/models/beta/beta-chat/enabled', { enabled: false });
    await gw.close();
    gw = await startFileGateway(file, { SWITCHBOARD_DATA_DIR: dataDir });
    expect(await explainedMode(gw.url)).toEqual({ mode: 'fastest' });
    expect(await modelIds(gw.url)).toEqual(['auto', 'alpha/alpha-chat']);
  });
});
