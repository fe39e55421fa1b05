// `switchboard init` run by a script (flags, the key piped in): the key checked with a provider on 127.0.0.1 and stored
// in the vault under a master key file it creates, a client key, a switchboard.yaml that a gateway then runs on.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/main.js';
import { STACK_LINE, useCli } from './cli-harness.js';
import { startTestGateway } from './harness.js';
import { projectFor, startKeyedProvider, vaultKeys, type KeyedProvider } from './init-harness.js';

const GOOD = `gsk_good_${Date.now()}_0123456789`;
const OTHER = `gsk_other_${Date.now()}_abcdef`;
const runCli = useCli();
let provider: KeyedProvider;

beforeAll(async () => {
  provider = await startKeyedProvider(GOOD);
});
afterAll(async () => {
  await provider.close();
});

/** `switchboard init …args` in `dir` with `input` on stdin, until it exits. */
function init(dir: string, args: string[], input = '') {
  return runCli(['init', ...args], /$^/, { NO_COLOR: '1' }, dir, input);
}

// Each run is a child process that loads the CLI: seconds on a loaded machine, several per test.
describe('switchboard init (scripted)', { timeout: 120_000 }, () => {
  it('checks the key with the provider, stores it under a new 0600 master key file, and writes a config that runs', async () => {
    const dir = projectFor(provider.baseUrl);
    const args = ['--provider', 'groq', '--key-stdin', '--client-key', 'ci', '--workspace-root', 'code', '--json'];
    const { out, code } = await init(dir, args, `${GOOD}\n`);
    expect(code).toBe(0);
    expect(out).not.toContain(GOOD);
    expect(provider.tokens.at(-1)).toBe(GOOD);
    const done = JSON.parse(out) as Record<string, any>;
    const masterFile = path.join(dir, '.switchboard', 'master.key');
    expect(done).toMatchObject({
      config_file: path.join(dir, 'switchboard.yaml'),
      config_written: true,
      master_key: { source: 'file', file: masterFile, created: true },
      keys_added: [{ provider: 'groq', masked: `gsk_…${GOOD.slice(-4)}`, validated: true }],
      client_key: { name: 'ci' },
    });
    expect(statSync(masterFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(masterFile)).mode & 0o777).toBe(0o700);
    expect(await vaultKeys(dir)).toEqual([{ provider: 'groq', key: GOOD }]);

    // The file keeps what was there, adds the agent's folder, and loads.
    const text = readFileSync(path.join(dir, 'switchboard.yaml'), 'utf8');
    expect(text).toContain('# my own comment, to keep');
    const { config } = loadConfig({ file: path.join(dir, 'switchboard.yaml'), env: {} });
    expect(config.agents.workspaceRoots).toEqual([path.join(dir, 'code')]);

    // A gateway on that config and data directory opens the vault with the master key file, and needs the client key.
    const { server: _server, ...rest } = parseYaml(text) as Record<string, unknown>;
    const gw = await startTestGateway(rest, createLogger('silent'), {
      SWITCHBOARD_DATA_DIR: path.join(dir, '.switchboard'),
    });
    try {
      const denied = await fetch(`${gw.url}/v1/models`);
      expect(denied.status).toBe(401);
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${done['client_key'].key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).choices[0].message.content).toBe('keyed hello');
      expect(provider.tokens.at(-1)).toBe(GOOD);
    } finally {
      await gw.close();
    }
  });

  it('refuses a key the provider refuses, storing nothing, and stores it with --no-validate', async () => {
    const dir = projectFor(provider.baseUrl);
    const refused = await init(dir, ['--provider', 'groq', '--key-stdin'], OTHER);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('switchboard: groq refused the key (HTTP 401): Invalid API Key');
    expect(refused.out).toContain('https://console.groq.com/keys');
    expect(refused.out).toContain('--no-validate');
    expect(refused.out).not.toContain(OTHER);
    expect(refused.out).not.toMatch(STACK_LINE);
    expect(await vaultKeys(dir)).toEqual([]);

    const before = provider.tokens.length;
    const stored = await init(dir, ['--provider', 'groq', '--key-stdin', '--no-validate'], OTHER);
    expect(stored.code).toBe(0);
    expect(provider.tokens.length).toBe(before);
    expect(stored.out).toContain('Created the master key file');
    expect(stored.out).toMatch(/Stored groq key key_[0-9a-f]{12} \(gsk_…cdef\) in the key vault/);
    expect(await vaultKeys(dir)).toEqual([{ provider: 'groq', key: OTHER }]);
  });

  it('edits what is there on a re-run: --replace swaps the key, --remove drops one, the config is left alone', async () => {
    const dir = projectFor(provider.baseUrl);
    const first = await init(dir, ['--provider', 'groq', '--key-stdin', '--no-validate', '--json'], OTHER);
    const otherId = (JSON.parse(first.out) as { keys_added: Array<{ id: string }> }).keys_added[0]!.id;
    const yaml = readFileSync(path.join(dir, 'switchboard.yaml'), 'utf8');

    const replaced = await init(dir, ['--provider', 'groq', '--key-stdin', '--replace'], GOOD);
    expect(replaced.code).toBe(0);
    expect(replaced.out).toContain(`Removed ${otherId}`);
    expect(replaced.out).toContain(`Kept ${path.join(dir, 'switchboard.yaml')}`);
    expect(replaced.out).not.toContain('Created the master key file');
    expect(await vaultKeys(dir)).toEqual([{ provider: 'groq', key: GOOD }]);
    expect(readFileSync(path.join(dir, 'switchboard.yaml'), 'utf8')).toBe(yaml);

    const goodId = /Stored groq key (key_[0-9a-f]{12})/.exec(replaced.out)![1]!;
    const removed = await init(dir, ['--remove', goodId]);
    expect(removed.code).toBe(0);
    expect(await vaultKeys(dir)).toEqual([]);
    const again = await init(dir, ['--remove', goodId]);
    expect(again.code).toBe(1);
    expect(again.out).toContain(`no key ${goodId} in the vault`);
  });

  it('writes a commented config where there is none, and refuses an unknown provider with exit 2', async () => {
    const dir = projectFor(provider.baseUrl);
    const fresh = path.join(dir, 'fresh.yaml');
    const { code } = await init(dir, ['--config', 'fresh.yaml', '--yes']);
    expect(code).toBe(0);
    const text = readFileSync(fresh, 'utf8');
    expect(text).toMatch(/^# Switchboard: written by `switchboard init`/);
    expect(text).toContain(path.join(dir, '.switchboard', 'master.key'));
    expect(loadConfig({ file: fresh, env: {} }).config.routing.defaultMode).toBe('balanced');

    const unknown = await init(dir, ['--provider', 'nope', '--key-stdin'], GOOD);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("unknown provider 'nope': one of openrouter, groq,");
  });
});
