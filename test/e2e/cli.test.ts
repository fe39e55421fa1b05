// The `switchboard serve` command as a user runs it: a child process, a config file, a real port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';

const CLI = join(import.meta.dirname, '../../src/cli/index.ts');
/** tsx by absolute URL: the child runs in a temp directory, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');
const children: ChildProcess[] = [];
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await upstream.close();
});

/** Runs the CLI; resolves with its output once `until` matches, or when it exits. */
function runCli(args: string[], until: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'sb-cli-')),
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  children.push(child);
  return new Promise<{ out: string; code: number | null }>((resolve) => {
    let out = '';
    const onData = (data: Buffer) => {
      out += data.toString();
      if (until.test(out)) resolve({ out, code: null });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ out, code }));
  });
}

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-cfg-')), 'gateway.yaml');
  writeFileSync(file, yaml);
  return file;
}

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

  it('exits 1 with a message naming the bad field of the config', async () => {
    const file = configFile('providers:\n  - id: alpha\n    protocol: carrier-pigeon\n');
    const { out, code } = await runCli(['serve', '--config', file], /$^/);
    expect(code).toBe(1);
    expect(out).toContain('providers[0].protocol');
    expect(out).not.toMatch(/\n\s+at /);
  });
});
