// `switchboard serve` as an operator meets it: loopback by default and the real address printed; beyond loopback with
// auth off only when allowed, and then with a warning; a bad PORT, a wrong or missing master key, a vault that cannot
// be opened, an unreachable Redis each give one clear message and an exit code, never a stack trace; and
// `switchboard vault` repairs what stops a start; a second process on one data directory is refused. The commands run
// in this test's process (a child process costs seconds of start-up apiece on a loaded machine); the cases that need
// one run as real processes, for the exit code and everything a process prints (cli.test.ts runs more).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createKeyVault, META_ID, VAULT_META_COLLECTION } from '../../src/accounts/key-vault.js';
import { createStores } from '../../src/storage/index.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { STACK_LINE, useCli, useInProcessCli } from './cli-harness.js';
import { useGatewayProcesses, writeConfigFile } from './process-harness.js';

const runCli = useInProcessCli();
const runProcess = useCli();
const startProcess = useGatewayProcesses();
const MASTER = 'master-key-cli-startup-e2e';
const LISTENING = /listening on (\S+)/;

/** A data directory whose SQLite vault holds one key, sealed under MASTER; `withoutMeta`: its meta record lost. */
async function dataDirWithVault(withoutMeta = false): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-vault-'));
  const stores = createStores({ dataDir, logger: pino({ level: 'silent' }) });
  try {
    const vault = await createKeyVault({ records: stores.records, masterKey: MASTER });
    await vault.add('groq', 'gsk_cli_startup_0123456789abcdef');
    if (withoutMeta) await stores.records.delete(VAULT_META_COLLECTION, META_ID);
  } finally {
    await stores.close();
  }
  return dataDir;
}

describe('where serve listens', () => {
  it('listens on 127.0.0.1 by default, and prints that address', async () => {
    const { out, code } = await runCli(['serve', '--port', '0']);
    expect(code).toBeNull();
    expect(LISTENING.exec(out)![1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('refuses every interface with client auth off (exit 78), saying the ways out', async () => {
    const { out, code } = await runCli(['serve', '--port', '0', '--host', '0.0.0.0']);
    expect(code).toBe(78);
    expect(out).toContain('refusing to listen on 0.0.0.0 with client auth off');
    expect(out).toContain('--allow-public');
    expect(out).not.toMatch(STACK_LINE);
  });

  it('listens on every interface when allowed, printing that address and a warning', async () => {
    const { out } = await runCli(['serve', '--port', '0', '--host', '0.0.0.0', '--allow-public']);
    expect(LISTENING.exec(out)![1]).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/v1$/);
    expect(out).toMatch(/warning: listening beyond loopback with client auth off/);
    const port = /0\.0\.0\.0:(\d+)/.exec(out)![1];
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });

  it('listens on every interface without a warning when auth is on', async () => {
    const env = { SWITCHBOARD_REQUIRE_AUTH: '1', SWITCHBOARD_ADMIN_KEY: 'admin-cli-startup' };
    const { out, code } = await runCli(['serve', '--port', '0', '--host', '0.0.0.0'], env);
    expect(code).toBeNull();
    expect(out).toMatch(LISTENING);
    expect(out).not.toContain('warning');
  });
});

describe('a start that cannot go on', () => {
  it('names PORT when it is not a port number (exit 78)', async () => {
    const { out, code } = await runCli(['serve'], { PORT: 'eighty' });
    expect(code).toBe(78);
    expect(out).toContain('PORT must be a port number (0-65535), not "eighty"');
    expect(out).not.toMatch(STACK_LINE);
  });

  it('says a wrong master key does not open the vault, and the way out (exit 78)', async () => {
    const env = { SWITCHBOARD_DATA_DIR: await dataDirWithVault(), SWITCHBOARD_MASTER_KEY: 'not-the-master-key' };
    const { out, code } = await runCli(['serve', '--port', '0'], env);
    expect(code).toBe(78);
    expect(out).toContain('SWITCHBOARD_MASTER_KEY does not open the key vault');
    expect(out).toContain('switchboard vault reset --yes');
    expect(out).not.toContain('not-the-master-key');
    expect(out).not.toMatch(STACK_LINE);
  });

  it('says a missing master key is needed for the stored keys (exit 78)', async () => {
    const { out, code } = await runCli(['serve', '--port', '0'], { SWITCHBOARD_DATA_DIR: await dataDirWithVault() });
    expect(code).toBe(78);
    expect(out).toContain('holds 1 key(s) but SWITCHBOARD_MASTER_KEY is not set');
    expect(out).not.toMatch(STACK_LINE);
  });

  // A real process (seconds of start-up on a loaded machine): its exit code, and all it prints.
  it('says Redis does not answer (exit 69), without printing REDIS_URL and its password', {
    timeout: 40_000,
  }, async () => {
    const gone = await startRedisServer();
    await gone.stop();
    const env = { REDIS_URL: `redis://:pa55word-in-url@127.0.0.1:${gone.port}`, SWITCHBOARD_REDIS_TIMEOUT_MS: '200' };
    const { out, code } = await runProcess(['serve', '--port', '0'], /$^/, env);
    expect(code).toBe(69);
    expect(out).toContain('Redis (REDIS_URL) did not answer');
    expect(out).not.toContain('pa55word');
    expect(out).not.toMatch(STACK_LINE);
  });
});

describe('two processes on one data directory', { timeout: 60_000 }, () => {
  it('refuses the second (exit 78) while the first serves on, and a killed first leaves no stale lock', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-twice-'));
    const config = writeConfigFile({ logLevel: 'silent' });
    const first = await startProcess(config, { SWITCHBOARD_DATA_DIR: dataDir });
    const second = await runProcess(['serve', '--port', '0'], /$^/, { SWITCHBOARD_DATA_DIR: dataDir });
    expect(second.code).toBe(78);
    expect(second.out.trim().split('\n')).toEqual([
      `switchboard: another Switchboard process is using the data directory ${dataDir}: stop it first, or give this ` +
        'one another SWITCHBOARD_DATA_DIR (several processes share state through Redis: REDIS_URL)',
    ]);
    expect((await fetch(`${first.url}/health/live`)).status).toBe(200);
    // The lock goes with its process, however it ends: no stale lock to clear by hand after a crash.
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
    const third = await startProcess(config, { SWITCHBOARD_DATA_DIR: dataDir });
    expect((await fetch(`${third.url}/health/live`)).status).toBe(200);
    expect((await third.stop('SIGTERM')).code).toBe(0);
  });
});

describe('switchboard vault', () => {
  it('repairs a vault whose meta record is lost: serve names the command, repair removes the keys, serve starts', async () => {
    const env = { SWITCHBOARD_DATA_DIR: await dataDirWithVault(true), SWITCHBOARD_MASTER_KEY: MASTER };
    const refused = await runCli(['serve', '--port', '0'], env);
    expect(refused.code).toBe(78);
    expect(refused.out).toContain('meta record is missing');
    expect(refused.out).toContain('switchboard vault repair');
    expect(refused.out).not.toMatch(STACK_LINE);

    const check = await runCli(['vault', 'check'], env);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/key_[0-9a-f]{12} \(groq\): no meta record/);
    const repair = await runCli(['vault', 'repair'], env);
    expect(repair.code).toBeNull();
    expect(repair.out).toMatch(/Removed key_[0-9a-f]{12} \(groq\)/);
    expect((await runCli(['serve', '--port', '0'], env)).out).toMatch(LISTENING);
  });

  it('resets a vault whose master key is lost, only when told --yes', async () => {
    const env = { SWITCHBOARD_DATA_DIR: await dataDirWithVault(), SWITCHBOARD_MASTER_KEY: 'a-new-master-key' };
    const asked = await runCli(['vault', 'reset'], env);
    expect(asked.code).toBe(1);
    expect(asked.out).toContain('add --yes');
    expect((await runCli(['vault', 'reset', '--yes'], env)).out).toContain('Deleted 1 key(s)');
    expect((await runCli(['serve', '--port', '0'], env)).out).toMatch(LISTENING);
  });
});
