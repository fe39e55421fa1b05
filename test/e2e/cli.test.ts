// The `switchboard serve` command as a user runs it: a child process, a config file, a real port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { configFile, STACK_LINE, useCli } from './cli-harness.js';

const runCli = useCli();
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe('switchboard serve', () => {
  it('serves a config file on the port given, and prints what is enabled', async () => {
    const file = configFile(`
providers:
  - id: alpha
    protocol: openai
    baseUrl: ${upstream.baseUrl}
    apiKeys: ["\${ALPHA_KEY}"]
    models: [{ id: alpha-chat, capabilities: [chat] }]
logLevel: silent
`);
    const { out } = await runCli(
      ['serve', '--config', file, '--port', '0', '--host', '127.0.0.1'],
      /listening on (\S+)/,
      { ALPHA_KEY: 'secret-alpha' },
    );
    expect(out).toContain(`Config: ${file}`);
    expect(out).toContain('Enabled: 1 providers, 1 models');
    expect(out).not.toContain('secret-alpha');
    const base = /listening on (\S+)/.exec(out)![1]!;
    const res = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer secret-alpha');
  });

  it('says where to add keys when no provider is enabled', async () => {
    const { out } = await runCli(['serve', '--port', '0', '--host', '127.0.0.1'], /listening on/);
    expect(out).toContain('No provider is enabled');
    expect(out).toContain('export GROQ_API_KEY=');
  });

  it('exits 78 (a setup to fix) with a message naming the bad field of the config', async () => {
    const file = configFile('providers:\n  - id: alpha\n    protocol: carrier-pigeon\n');
    const { out, code } = await runCli(['serve', '--config', file], /$^/);
    expect(code).toBe(78);
    expect(out).toContain('providers[0].protocol');
    expect(out).not.toMatch(STACK_LINE);
  });
});
