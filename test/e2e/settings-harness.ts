// Gateways started from a real config file (watched and re-read, like `switchboard serve`), the admin calls of the
// settings API, and a logger whose lines a test can read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { pino, type Logger } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/main.js';
import type { SettingsView } from '../../src/server/settings/view.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { call, type HttpAnswer } from './accounts-harness.js';
import { fakeModel, type TestGateway } from './harness.js';

export const ADMIN_KEY = 'sb-admin-settings-test';

/** Two OpenAI-protocol providers on the fakes: `alpha` (model alpha-chat, the better) and `beta` (beta-chat). */
export function twoProviders(alpha: FakeUpstream, beta: FakeUpstream) {
  return [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['alpha-key'],
      models: [fakeModel('alpha-chat', { quality: 0.9 })],
    },
    {
      id: 'beta',
      protocol: 'openai',
      baseUrl: beta.baseUrl,
      apiKeys: ['beta-key'],
      models: [fakeModel('beta-chat', { quality: 0.6 })],
    },
  ];
}

/** A config file's content for tests: quiet, on a free port, short timeouts, and `extra` on top. */
export function testConfig(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    logLevel: 'info',
    server: { port: 0, host: '127.0.0.1' },
    timeouts: { connectMs: 2_000, firstByteMs: 2_000, idleMs: 2_000 },
    discovery: { enabled: false },
    ...extra,
  };
}

/** Writes `config` as YAML to `file` (a new file in a temp directory when absent); returns the path. */
export function writeYaml(config: Record<string, unknown>, file?: string): string {
  const target = file ?? path.join(mkdtempSync(path.join(tmpdir(), 'sb-settings-')), 'switchboard.yaml');
  writeFileSync(target, stringify(config));
  return target;
}

/** A logger at `info` that keeps its lines (parsed JSON) for the test to read. */
export function capturedLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/**
 * A gateway on `file` as `switchboard serve --config file` runs it: the file watched (50 ms debounce) and read again
 * on `reloadConfig`. `env` is its whole environment (the admin key added).
 */
export async function startFileGateway(
  file: string,
  env: Record<string, string>,
  logger: Logger = pino({ level: 'silent' }),
): Promise<TestGateway> {
  const gatewayEnv = { SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, ...env };
  const read = () => loadConfig({ file, env: gatewayEnv });
  const loaded = read();
  const gateway = await startGateway({
    config: loaded.config,
    configSource: { ...loaded, read },
    env: gatewayEnv,
    logger,
    reloadDebounceMs: 50,
  });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-test-client', maxRetries: 0, timeout: 15_000 });
  return { gateway, client, url: gateway.url, close: () => gateway.close() };
}

/** An admin call with the admin key. */
export function admin(url: string, method: string, route: string, body?: unknown): Promise<HttpAnswer> {
  return call(url, method, route, ADMIN_KEY, body);
}

/** GET /admin/settings. */
export async function settingsOf(url: string): Promise<SettingsView> {
  const answer = await admin(url, 'GET', '/admin/settings');
  if (answer.status !== 200) throw new Error(`GET /admin/settings: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as SettingsView;
}

/** One value of the settings view by path. */
export function settingOf(view: SettingsView, path: string): SettingsView['values'][number] | undefined {
  return view.values.find((value) => value.path === path);
}

/** The mode and rule POST /v1/routing/explain picks for a plain `auto` request. */
export async function explainedMode(url: string, content = 'hi'): Promise<{ mode: string; rule?: string }> {
  const body = { model: 'auto', messages: [{ role: 'user', content }] };
  const answer = await call(url, 'POST', '/v1/routing/explain', ADMIN_KEY, body);
  if (answer.status !== 200) throw new Error(`explain: ${answer.status} ${JSON.stringify(answer.body)}`);
  const { mode, rule } = answer.body as { mode: string; rule?: string };
  return rule === undefined ? { mode } : { mode, rule };
}
