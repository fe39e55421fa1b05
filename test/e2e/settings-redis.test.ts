// End to end on the test Redis: a setting changed through one gateway applies on another that shares its store, at
// once (the store's change notice), without a restart of either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { modelIds } from './accounts-harness.js';
import { redisEnv, type TestGateway } from './harness.js';
import { pollUntil } from './process-harness.js';
import {
  admin,
  explainedMode,
  settingsOf,
  startFileGateway,
  testConfig,
  twoProviders,
  writeYaml,
} from './settings-harness.js';

let alpha: FakeUpstream;
let beta: FakeUpstream;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all(gateways.map((gw) => gw.close()));
  await Promise.all([alpha?.close(), beta?.close()]);
});

describe('run-time settings shared through Redis', () => {
  it('a switch or a routing value set on one instance applies on the other', async () => {
    const env = redisEnv('settings');
    const config = testConfig({ logLevel: 'silent', providers: twoProviders(alpha, beta) });
    const [one, two] = await Promise.all([
      startFileGateway(writeYaml(config), env),
      startFileGateway(writeYaml(config), env),
    ]);
    gateways.push(one!, two!);
    expect(await modelIds(two!.url)).toEqual(['auto', 'alpha/alpha-chat', 'beta/beta-chat']);

    const off = await admin(one!.url, 'PUT', '/admin/providers/alpha/enabled', { enabled: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const patched = await admin(one!.url, 'PATCH', '/admin/settings', { routing: { defaultMode: 'fastest' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(
      await pollUntil(
        () => modelIds(two!.url),
        (ids) => ids.length === 2,
      ),
    ).toEqual(['auto', 'beta/beta-chat']);
    await pollUntil(
      () => explainedMode(two!.url),
      (explained) => explained.mode === 'fastest',
    );
    const view = await settingsOf(two!.url);
    expect(view.providers.find((p) => p.id === 'alpha')).toMatchObject({ enabled: false, source: 'console' });

    const reset = await admin(two!.url, 'DELETE', '/admin/providers/alpha/enabled');
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(
      await pollUntil(
        () => modelIds(one!.url),
        (ids) => ids.length === 3,
      ),
    ).toContain('alpha/alpha-chat');
  });
});
