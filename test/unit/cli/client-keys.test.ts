// `switchboard client-keys` against a real gateway admin API on 127.0.0.1: create prints the key once, list, revoke.
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientKeysCommand } from '../../../src/cli/client-keys.js';
import { startClientKeysApp, TEST_ADMIN_KEY, type ClientKeysApp } from '../../helpers/client-keys-app.js';

let app: ClientKeysApp;
beforeEach(async () => {
  app = await startClientKeysApp();
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await app.close();
});

/** Runs `switchboard client-keys …args` in this process; commander errors throw instead of exiting. */
async function cli(args: string[], adminKey = TEST_ADMIN_KEY) {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  const program = new Command('switchboard').addCommand(clientKeysCommand());
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    command.commands.forEach(quiet);
  };
  quiet(program);
  try {
    await program.parseAsync(['client-keys', ...args, '--url', app.baseUrl, '--admin-key', adminKey], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

describe('switchboard client-keys', () => {
  it('create prints the new key once, and the key works', async () => {
    const { out, exitCode } = await cli([
      'create',
      '--name',
      'ci bot',
      '--models',
      'groq/llama, gemini/*',
      '--rpm',
      '30',
      '--daily-tokens',
      '9000',
    ]);
    expect(exitCode).toBeUndefined();
    const key = /sk-sb-[A-Za-z0-9_-]+/.exec(out)![0];
    expect(out.split(key)).toHaveLength(2);
    expect(out).toContain('will not be shown again');
    const client = await app.keys.authenticate(key);
    expect(client).toMatchObject({ name: 'ci bot', models: ['groq/llama', 'gemini/*'], rpm: 30, dailyTokens: 9000 });
    expect(out).toContain(client!.id);
  });

  it('list shows the keys in a table, or as JSON, never the secret', async () => {
    const created = await app.keys.create({ name: 'team', rpm: 10 });
    const { out } = await cli(['list']);
    expect(out).toMatch(/^ID\s+NAME\s+MODELS\s+RPM\s+DAILY TOKENS\s+CREATED/);
    expect(out).toMatch(new RegExp(`${created.id}\\s+team\\s+all\\s+10\\s+-`));
    expect(out).not.toContain(created.key);
    const json = JSON.parse((await cli(['list', '--json'])).out) as Array<Record<string, unknown>>;
    expect(json).toEqual([expect.objectContaining({ id: created.id, name: 'team', rpm: 10, dailyTokens: null })]);
  });

  it('revoke deletes the key; an unknown id exits 1 with the gateway message', async () => {
    const created = await app.keys.create({ name: 'old' });
    expect((await cli(['revoke', created.id])).out).toContain(`Revoked client key ${created.id}`);
    expect(await app.keys.authenticate(created.key)).toBeUndefined();
    const again = await cli(['revoke', created.id]);
    expect(again.exitCode).toBe(1);
    expect(again.err).toContain(`No client key with id '${created.id}'`);
  });

  it('exits 77 (EX_NOPERM) with the gateway message on a wrong admin key', async () => {
    const { err, exitCode } = await cli(['list'], 'not-the-admin-key');
    expect(exitCode).toBe(77);
    expect(err).toContain('admin key');
    expect(await app.keys.list()).toEqual([]);
  });

  it('refuses a non-positive --rpm and a missing --name before calling the gateway', async () => {
    await expect(cli(['create', '--name', 'x', '--rpm', '0'])).rejects.toBeInstanceOf(CommanderError);
    await expect(cli(['create'])).rejects.toThrow(/--name/);
    expect(await app.keys.list()).toEqual([]);
  });
});
