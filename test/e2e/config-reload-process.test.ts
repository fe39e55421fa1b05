// End to end through a real `switchboard serve` process: SIGHUP reads the config file again (and no longer ends the
// process, as it would by default), applying an edit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { pollUntil, useGatewayProcesses, writeConfigFile } from './process-harness.js';
import { ADMIN_KEY, explainedMode, testConfig, twoProviders, writeYaml } from './settings-harness.js';

const start = useGatewayProcesses();
let alpha: FakeUpstream;
let beta: FakeUpstream;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha?.close(), beta?.close()]);
});

// A start compiles the whole gateway (tsx): up to START_TIMEOUT_MS on a loaded machine, beyond the default 20 s.
describe('SIGHUP', { timeout: 40_000 }, () => {
  it('reads the config file again, and the gateway keeps serving', async () => {
    const config = testConfig({ providers: twoProviders(alpha, beta), routing: { defaultMode: 'balanced' } });
    const file = writeConfigFile(config);
    const gateway = await start(file, { SWITCHBOARD_STORE: 'memory', SWITCHBOARD_ADMIN_KEY: ADMIN_KEY });

    // At once: the process must take it from the moment it says it listens.
    gateway.signal('SIGHUP');
    await pollUntil(
      () => gateway.output(),
      (out) => out.includes('config file read again: nothing changed'),
    );
    expect(await explainedMode(gateway.url)).toEqual({ mode: 'balanced' });

    writeYaml({ ...config, routing: { defaultMode: 'best_quality' } }, file);
    gateway.signal('SIGHUP');
    await pollUntil(
      () => explainedMode(gateway.url),
      (explained) => explained.mode === 'best_quality',
    );
    expect(await gateway.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
