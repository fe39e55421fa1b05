// `switchboard keys add|list|remove|validate`: provider keys of a running gateway, through its admin API.
import { Command } from 'commander';
import type { KeyInfo } from '../accounts/types.js';
import { CliError, cliAction, gatewayRequest, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { json, table } from './output.js';
import { readKey, type SecretInput } from './secret-input.js';

/**
 * Where the keys commands read a key from and print to; process.stdin and process.stdout unless a test gives others.
 */
export interface KeysCommandIO extends SecretInput {
  stdout: { write(text: string): unknown };
}

type ValidateResult = KeyInfo & { ok: boolean; message?: string };

/** The `keys` command and its subcommands, each with --url and --admin-key (see adminOptions). */
export function keysCommand(
  io: KeysCommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Command {
  const keys = new Command('keys').description(
    "manage a running gateway's provider keys (needs SWITCHBOARD_ADMIN_KEY)",
  );

  withGatewayOptions(keys.command('add'), 'admin')
    .description('add a provider key (stored encrypted; needs SWITCHBOARD_MASTER_KEY on the gateway)')
    .argument('<provider>', 'provider id, e.g. groq')
    .argument('[key]', "the key; omit it or give '-' to read it from stdin, which keeps it out of shell history")
    .action(
      cliAction(async (provider: string, given: string | undefined, options: GatewayOptions) => {
        const key = given === undefined || given === '-' ? await readKey(io, provider) : given;
        const info = (await gatewayRequest(options, 'POST', '/admin/keys', {
          body: { provider, key },
          use: 'admin',
        })) as KeyInfo;
        io.stdout.write(`Added ${info.provider} key ${info.id} (${info.masked})\n`);
      }),
    );

  withGatewayOptions(keys.command('list'), 'admin')
    .description('list every provider key: id, provider, masked key, source, status')
    .option('--json', 'print the JSON list instead of a table')
    .action(
      cliAction(async (options: GatewayOptions & { json?: boolean }) => {
        const { data } = (await gatewayRequest(options, 'GET', '/admin/keys', { use: 'admin' })) as { data: KeyInfo[] };
        io.stdout.write(options.json ? json(data) : keyTable(data));
      }),
    );

  withGatewayOptions(keys.command('remove'), 'admin')
    .description('remove a key added at run time')
    .argument('<id>', 'key id, as `keys list` shows it')
    .action(
      cliAction(async (id: string, options: GatewayOptions) => {
        await gatewayRequest(options, 'DELETE', `/admin/keys/${encodeURIComponent(id)}`, { use: 'admin' });
        io.stdout.write(`Removed ${id}\n`);
      }),
    );

  withGatewayOptions(keys.command('validate'), 'admin')
    .description("check a key against its provider's model list (exits 1 when it fails)")
    .argument('<id>', 'key id, as `keys list` shows it')
    .action(
      cliAction(async (id: string, options: GatewayOptions) => {
        const result = (await gatewayRequest(options, 'POST', `/admin/keys/${encodeURIComponent(id)}/validate`, {
          use: 'admin',
        })) as ValidateResult;
        const what = `${result.id} (${result.provider}, ${result.masked})`;
        if (!result.ok) throw new CliError(`${what} failed validation${result.message ? `: ${result.message}` : ''}`);
        io.stdout.write(`${what}: ok\n`);
      }),
    );
  return keys;
}

/** The list as a table, or a line saying there is none. */
export function keyTable(keys: KeyInfo[]): string {
  if (keys.length === 0) return 'No provider keys. Add one with `switchboard keys add <provider>`.\n';
  return table(
    ['ID', 'PROVIDER', 'KEY', 'SOURCE', 'STATUS', 'REASON'],
    keys.map((k) => [k.id, k.provider, k.masked, k.source, k.status, reasonText(k)]),
  );
}

function reasonText(key: KeyInfo): string {
  const until = key.status === 'cooling' && key.until !== undefined ? `until ${new Date(key.until).toISOString()}` : '';
  // Limits its provider said are lower than the catalog's: the ones its calls are counted against.
  const learned = Object.entries(key.learnedLimits ?? {}).map(
    ([name, limit]) => `learned ${name} ${limit.value} (${limit.source})`,
  );
  return [key.reason ?? '', until, ...learned].filter(Boolean).join(', ');
}
