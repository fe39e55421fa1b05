// `switchboard keys` against the admin key routes on a real port: in process for the output, as a child for stdin and
// exit codes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { keysCommand, keyTable, type KeysCommandIO } from '../../../src/cli/keys.js';
import { providerKeyId } from '../../../src/accounts/secrets.js';
import { startAdminServer, type AdminServer } from '../../helpers/vault-key-admin.js';

const ADMIN = 'admin-key-0123456789abcdef';
const KEY = 'gsk_live_abcdef0123456789c0de3f9a';
const ENTRY = join(import.meta.dirname, '../../helpers/keys-cli-entry.ts');
const TSX = import.meta.resolve('tsx');
const servers: AdminServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(): Promise<AdminServer> {
  const server = await startAdminServer({ adminKey: ADMIN, masterKey: 'master-key-0123456789abcdef' });
  servers.push(server);
  return server;
}

/** Runs `switchboard keys …args` in this process; `stdin` is what a pipe would give. */
async function keys(server: AdminServer, args: string[], stdin = '') {
  let out = '';
  let err = '';
  const io: KeysCommandIO = {
    stdin: Readable.from([stdin]),
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  };
  const program = new Command('switchboard').exitOverride().addCommand(keysCommand(io));
  await program.parseAsync(['keys', ...args, '--url', server.url, '--admin-key', ADMIN], { from: 'user' });
  return { out, err };
}

/** Runs the keys command as a child process, as a user would, with `stdin` piped in. */
function child(server: AdminServer, args: string[], stdin: string, adminKey = ADMIN) {
  const proc = spawn(process.execPath, ['--import', TSX, ENTRY, 'keys', ...args, '--url', server.url], {
    env: { PATH: process.env['PATH'] ?? '', SWITCHBOARD_ADMIN_KEY: adminKey },
  });
  proc.stdin.end(stdin);
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise<{ out: string; code: number | null }>((resolve) =>
    proc.on('close', (code) => resolve({ out, code })),
  );
}

describe('switchboard keys', () => {
  it('adds a key given as an argument and prints only its masked form', async () => {
    const server = await start();
    const { out } = await keys(server, ['add', 'groq', KEY]);
    expect(out).toBe(`Added groq key ${providerKeyId('groq', KEY)} (gsk_…3f9a)\n`);
    expect(await server.vault.entries()).toEqual([{ id: providerKeyId('groq', KEY), provider: 'groq', key: KEY }]);
  });

  it("reads the key from stdin when it is omitted or '-'", async () => {
    const server = await start();
    await keys(server, ['add', 'groq'], `${KEY}\n`);
    await keys(server, ['add', 'mistral', '-'], `  ${KEY}  \n`);
    expect((await server.vault.entries()).map((e) => [e.provider, e.key]).sort()).toEqual([
      ['groq', KEY],
      ['mistral', KEY],
    ]);
  });

  it('lists keys as a table, and as JSON with --json', async () => {
    const server = await start();
    await keys(server, ['add', 'groq', KEY]);
    const { out } = await keys(server, ['list']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+PROVIDER\s+KEY\s+SOURCE\s+STATUS\s+REASON$/);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(new RegExp(`^${providerKeyId('groq', KEY)}\\s+groq\\s+gsk_…3f9a\\s+vault\\s+active$`));
    expect(out).not.toContain(KEY);
    const json = JSON.parse((await keys(server, ['list', '--json'])).out) as Array<{ id: string; source: string }>;
    expect(json.map((k) => k.source)).toEqual(['env', 'vault']);
  });

  it('validates a key, and removes one', async () => {
    const server = await start();
    const id = providerKeyId('groq', 'good-env-key-0123456789');
    expect((await keys(server, ['validate', id])).out).toBe(`${id} (groq, good…6789): ok\n`);
    await keys(server, ['add', 'groq', KEY]);
    expect((await keys(server, ['remove', providerKeyId('groq', KEY)])).out).toBe(
      `Removed ${providerKeyId('groq', KEY)}\n`,
    );
    expect(await server.vault.entries()).toEqual([]);
  });

  it('shows reasons and cooling times in the table', () => {
    const table = keyTable([
      {
        id: 'key_a',
        provider: 'groq',
        masked: 'gsk_…0001',
        source: 'env',
        status: 'cooling',
        reason: 'rate limited (429)',
        until: Date.UTC(2030, 0, 1),
        uses: 3,
      },
      {
        id: 'key_b',
        provider: 'groq',
        masked: 'gsk_…0002',
        source: 'config',
        status: 'disabled',
        reason: 'refused (401)',
        uses: 0,
      },
      {
        id: 'key_c',
        provider: 'gemini',
        masked: 'AIza…0003',
        source: 'env',
        status: 'active',
        uses: 1,
        learnedLimits: { rpd: { value: 20, source: 'QuotaFailure GenerateRequestsPerDay', at: 0 } },
      },
    ]);
    expect(table).toContain('rate limited (429), until 2030-01-01T00:00:00.000Z');
    expect(table).toContain('learned rpd 20 (QuotaFailure GenerateRequestsPerDay)');
    expect(table.split('\n')[2]).toMatch(/^key_b\s+groq\s+gsk_…0002\s+config\s+disabled\s+refused \(401\)$/);
    expect(keyTable([])).toContain('No provider keys');
  });

  it('as a process: adds a key piped on stdin, keeping it out of the output', async () => {
    const server = await start();
    const { out, code } = await child(server, ['add', 'groq'], `${KEY}\n`);
    expect(code).toBe(0);
    expect(out).toBe(`Added groq key ${providerKeyId('groq', KEY)} (gsk_…3f9a)\n`);
    expect(await server.vault.has(providerKeyId('groq', KEY))).toBe(true);
  });

  it("as a process: exits 77 on a wrong admin key and 1 on a failed validation, with the gateway's message and no stack", async () => {
    const server = await start();
    const denied = await child(server, ['list'], '', 'wrong-admin-key');
    expect(denied.code).toBe(77);
    expect(denied.out).toMatch(/^switchboard: The admin API needs the admin key.*--admin-key/);
    expect(denied.out).not.toMatch(/\n\s+at /);
    await server.keys.add('groq', KEY);
    const failed = await child(server, ['validate', providerKeyId('groq', KEY)], '');
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('failed validation: the provider refused the key (401)');
    const empty = await child(server, ['add', 'groq', '-'], '\n');
    expect(empty.code).toBe(1);
    expect(empty.out).toContain('no key given');
  });
});
