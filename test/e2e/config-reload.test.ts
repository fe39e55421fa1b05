// End to end: the config file edited under a running gateway is read again and applied (what can change live), a bad
// edit is refused with one log line and the running config kept, a request in flight is not dropped, and a console
// value stays over the file's until reset.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { modelIds } from './accounts-harness.js';
import type { TestGateway } from './harness.js';
import { pollUntil } from './process-harness.js';
import {
  admin,
  capturedLogger,
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
let file: string;
let log: ReturnType<typeof capturedLogger>;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha?.close(), beta?.close()]);
});

const base = () => testConfig({ providers: twoProviders(alpha, beta), routing: { defaultMode: 'balanced' } });

beforeEach(async () => {
  for (const fake of [alpha, beta]) {
    fake.requests.length = 0;
    fake.setFallback({ type: 'text', text: DEFAULT_TEXT });
  }
  file = writeYaml(base());
  log = capturedLogger();
  gw = await startFileGateway(file, { SWITCHBOARD_STORE: 'memory' }, log.logger);
});
afterEach(async () => {
  await gw?.close();
});

/** Waits until the gateway has read the file again (its last reload is newer than `since`). */
const reloadedAfter = (since: number) =>
  pollUntil(
    () => settingsOf(gw.url),
    (view) => (view.lastReload?.at ?? 0) > since,
  );

describe('the config file, edited while the gateway runs', () => {
  it('applies what can change live, and says what waits for a restart', async () => {
    const edited = base();
    edited['routing'] = { defaultMode: 'fastest' };
    (edited['providers'] as Array<Record<string, unknown>>)[1]!['enabled'] = false;
    edited['server'] = { port: 1, host: '127.0.0.1' };
    const since = Date.now() - 1;
    writeYaml(edited, file);

    const view = await reloadedAfter(since);
    expect(view.lastReload).toMatchObject({ trigger: 'file', ok: true, restartNeeded: ['server.port'] });
    expect(view.lastReload?.applied.sort()).toEqual(['providers', 'routing.defaultMode']);
    expect(await explainedMode(gw.url)).toEqual({ mode: 'fastest' });
    expect(await modelIds(gw.url)).toEqual(['auto', 'alpha/alpha-chat']);
    expect(view.providers.find((p) => p.id === 'beta')).toMatchObject({ enabled: false, source: 'file', base: false });
    // The port stays until a restart, and the view says which it will be.
    expect(settingOf(view, 'server.port')).toMatchObject({ value: 0, pending: 1, live: false });
    expect(view.restartNeeded).toEqual(['server.port']);
    const warning = log.lines.find((line) => String(line['msg']).includes('apply only after a restart'));
    expect(warning?.['msg']).toMatch(/server\.port/);
  });

  it('refuses a bad edit with one log line naming the field, keeps the running config, and takes the fixed file', async () => {
    const bad = base();
    bad['routing'] = { defaultMode: 'fastest', rules: [{ name: 'x', when: { task: ['poetry'] } }] };
    let since = Date.now() - 1;
    writeYaml(bad, file);
    const refused = await reloadedAfter(since);
    expect(refused.lastReload).toMatchObject({ ok: false, applied: [] });
    expect(refused.lastReload?.error).toMatch(/routing\.rules\[0\]\.when\.task\[0\]/);
    expect(await explainedMode(gw.url)).toEqual({ mode: 'balanced' });
    const line = log.lines.find((entry) => String(entry['msg']).startsWith('config file not applied'));
    expect(line?.['level']).toBe(50);
    expect(String(line?.['msg'])).toMatch(/routing\.rules\[0\]\.when\.task\[0\]/);
    expect(String(line?.['msg'])).not.toMatch(/\n|\bat .*\.ts:\d+/);
    expect(line?.['err']).toBeUndefined();

    const fixed = base();
    fixed['routing'] = { defaultMode: 'fastest' };
    since = Date.now() - 1;
    writeYaml(fixed, file);
    expect((await reloadedAfter(since)).lastReload?.ok).toBe(true);
    expect(await explainedMode(gw.url)).toEqual({ mode: 'fastest' });
  });

  it('lets a stream in flight finish while the file changes its provider', async () => {
    alpha.setFallback({ type: 'text', text: 'one two three four five six', chunkDelayMs: 150 });
    const stream = await gw.client.chat.completions.create({
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const since = Date.now() - 1;
    const edited = base();
    (edited['providers'] as Array<Record<string, unknown>>)[0]!['enabled'] = false;
    writeYaml(edited, file);
    const chunks = stream[Symbol.asyncIterator]();
    let text = (await chunks.next()).value?.choices[0]?.delta?.content ?? '';
    // The provider is off for new requests while this stream still runs on it.
    await reloadedAfter(since);
    expect(await modelIds(gw.url)).toEqual(['auto', 'beta/beta-chat']);
    for (let next = await chunks.next(); !next.done; next = await chunks.next())
      text += next.value.choices[0]?.delta?.content ?? '';
    expect(text).toBe('one two three four five six');
    expect(alpha.requests.filter((r) => r.method === 'POST' && r.aborted)).toEqual([]);
  });

  it('keeps a console value over the file until it is reset, then takes the file', async () => {
    await admin(gw.url, 'PATCH', '/admin/settings', { routing: { defaultMode: 'fastest' } });
    const since = Date.now() - 1;
    const edited = base();
    edited['routing'] = { defaultMode: 'best_quality' };
    writeYaml(edited, file);
    const view = await reloadedAfter(since);
    expect(settingOf(view, 'routing.defaultMode')).toMatchObject({
      value: 'fastest',
      source: 'console',
      base: 'best_quality',
    });
    expect(await explainedMode(gw.url)).toEqual({ mode: 'fastest' });
    await admin(gw.url, 'PATCH', '/admin/settings', { routing: { defaultMode: null } });
    expect(await explainedMode(gw.url)).toEqual({ mode: 'best_quality' });
  });

  it('reads the file again when asked (SIGHUP), even unchanged', async () => {
    const status = await gw.gateway.reloadConfig();
    expect(status).toMatchObject({ trigger: 'signal', ok: true, applied: [], restartNeeded: [] });
    expect(log.lines.some((line) => line['msg'] === 'config file read again: nothing changed')).toBe(true);
  });
});
