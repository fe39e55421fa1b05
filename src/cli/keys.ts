// `switchboard keys add|list|remove|validate`: provider keys of a running gateway, through its admin API.
import { Command } from 'commander';
import type { KeyInfo } from '../accounts/types.js';
import { AdminRequestError, adminAction, adminOptions, adminRequest, type AdminOptions } from './admin-client.js';

/**
 * Where the keys commands read a key from and print to; process.stdin and process.stdout unless a test gives others.
 */
export interface KeysCommandIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

type ValidateResult = KeyInfo & { ok: boolean; message?: string };

/** The `keys` command and its subcommands, each with --url and --admin-key (see adminOptions). */
export function keysCommand(
  io: KeysCommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Command {
  const keys = new Command('keys').description(
    "manage a running gateway's provider keys (needs SWITCHBOARD_ADMIN_KEY)",
  );

  withAdminOptions(keys.command('add'))
    .description('add a provider key (stored encrypted; needs SWITCHBOARD_MASTER_KEY on the gateway)')
    .argument('<provider>', 'provider id, e.g. groq')
    .argument('[key]', "the key; omit it or give '-' to read it from stdin, which keeps it out of shell history")
    .action(
      adminAction(async (provider: string, given: string | undefined, options: AdminOptions) => {
        const key = given === undefined || given === '-' ? await readKey(io, provider) : given;
        const info = (await adminRequest(options, 'POST', '/admin/keys', { provider, key })) as KeyInfo;
        io.stdout.write(`Added ${info.provider} key ${info.id} (${info.masked})\n`);
      }),
    );

  withAdminOptions(keys.command('list'))
    .description('list every provider key: id, provider, masked key, source, status')
    .option('--json', 'print the JSON list instead of a table')
    .action(
      adminAction(async (options: AdminOptions & { json?: boolean }) => {
        const { data } = (await adminRequest(options, 'GET', '/admin/keys')) as { data: KeyInfo[] };
        io.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : keyTable(data));
      }),
    );

  withAdminOptions(keys.command('remove'))
    .description('remove a key added at run time')
    .argument('<id>', 'key id, as `keys list` shows it')
    .action(
      adminAction(async (id: string, options: AdminOptions) => {
        await adminRequest(options, 'DELETE', `/admin/keys/${encodeURIComponent(id)}`);
        io.stdout.write(`Removed ${id}\n`);
      }),
    );

  withAdminOptions(keys.command('validate'))
    .description("check a key against its provider's model list (exits 1 when it fails)")
    .argument('<id>', 'key id, as `keys list` shows it')
    .action(
      adminAction(async (id: string, options: AdminOptions) => {
        const result = (await adminRequest(
          options,
          'POST',
          `/admin/keys/${encodeURIComponent(id)}/validate`,
        )) as ValidateResult;
        const what = `${result.id} (${result.provider}, ${result.masked})`;
        if (!result.ok)
          throw new AdminRequestError(`${what} failed validation${result.message ? `: ${result.message}` : ''}`);
        io.stdout.write(`${what}: ok\n`);
      }),
    );
  return keys;
}

function withAdminOptions(command: Command): Command {
  for (const option of adminOptions()) command.addOption(option);
  return command;
}

/**
 * Reads the key from stdin: the first line on a terminal (after a prompt on stderr), all of it from a pipe.
 * Either way one key, trimmed; anything else is refused rather than sent.
 */
async function readKey(io: KeysCommandIO, provider: string): Promise<string> {
  if (io.stdin.isTTY) io.stderr.write(`Paste the ${provider} key, then press Enter: `);
  const text = await readInput(io.stdin, io.stdin.isTTY === true);
  const key = text.trim();
  if (key === '')
    throw new AdminRequestError('no key given: pass it on stdin (e.g. `pbpaste | switchboard keys add groq`)');
  if (/\s/.test(key)) throw new AdminRequestError('stdin holds more than one line or word: give exactly one key');
  return key;
}

function readInput(stream: NodeJS.ReadableStream, firstLineOnly: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => {
      stream.off('data', onData).off('end', done).off('error', reject);
      stream.pause();
      resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (firstLineOnly && text.includes('\n')) {
        text = text.slice(0, text.indexOf('\n'));
        done();
      }
    };
    stream.on('data', onData).on('end', done).on('error', reject);
  });
}

/** The list as an aligned table, or a line saying there is none. */
export function keyTable(keys: KeyInfo[]): string {
  if (keys.length === 0) return 'No provider keys. Add one with `switchboard keys add <provider>`.\n';
  const rows = [
    ['ID', 'PROVIDER', 'KEY', 'SOURCE', 'STATUS', 'REASON'],
    ...keys.map((k) => [k.id, k.provider, k.masked, k.source, k.status, reasonText(k)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return `${rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function reasonText(key: KeyInfo): string {
  const until = key.status === 'cooling' && key.until !== undefined ? `until ${new Date(key.until).toISOString()}` : '';
  return [key.reason ?? '', until].filter(Boolean).join(', ');
}
