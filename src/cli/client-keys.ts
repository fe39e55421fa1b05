// `switchboard client-keys create|list|revoke`: manages a running gateway's client keys through its admin API.
import { Command, InvalidArgumentError } from 'commander';
import { adminAction, adminOptions, adminRequest, type AdminOptions } from './admin-client.js';

/** A key as GET /admin/client-keys lists it. */
interface ClientKeyView {
  id: string;
  name: string;
  models: string[] | null;
  rpm: number | null;
  dailyTokens: number | null;
  created: number;
}

interface CreateOptions extends AdminOptions {
  name: string;
  models?: string[];
  rpm?: number;
  dailyTokens?: number;
  json?: boolean;
}

/** The `client-keys` command and its subcommands. */
export function clientKeysCommand(): Command {
  const command = new Command('client-keys').description(
    'gateway API keys for clients (sk-sb-…), with optional model, rate and token limits',
  );
  command.addCommand(
    withAdminOptions(new Command('create'))
      .description('create a client key and print it (it is shown this once)')
      .requiredOption('--name <name>', 'who or what the key is for')
      .option('--models <list>', 'comma-separated provider/model refs the key may use (default: all)', commaList)
      .option('--rpm <n>', 'requests per minute', positiveInt)
      .option('--daily-tokens <n>', 'tokens per rolling 24 hours', positiveInt)
      .option('--json', 'print the API answer as JSON')
      .action(
        adminAction(async (options: CreateOptions) => {
          const body = {
            name: options.name,
            models: options.models,
            rpm: options.rpm,
            dailyTokens: options.dailyTokens,
          };
          const created = (await adminRequest(options, 'POST', '/admin/client-keys', body)) as ClientKeyView & {
            key: string;
          };
          if (options.json) {
            print(JSON.stringify(created, null, 2));
            return;
          }
          print(`Created client key ${created.id} (${created.name}).\n\n    ${created.key}\n`);
          print('Copy it now: it is stored hashed and will not be shown again.');
        }),
      ),
  );
  command.addCommand(
    withAdminOptions(new Command('list'))
      .description('list client keys (never the keys themselves)')
      .option('--json', 'print the API answer as JSON')
      .action(
        adminAction(async (options: AdminOptions & { json?: boolean }) => {
          const { data } = (await adminRequest(options, 'GET', '/admin/client-keys')) as { data: ClientKeyView[] };
          print(options.json ? JSON.stringify(data, null, 2) : table(data));
        }),
      ),
  );
  command.addCommand(
    withAdminOptions(new Command('revoke'))
      .description('delete a client key: requests with it are refused from then on')
      .argument('<id>', 'the key id (ck_…)')
      .action(
        adminAction(async (id: string, options: AdminOptions) => {
          await adminRequest(options, 'DELETE', `/admin/client-keys/${encodeURIComponent(id)}`);
          print(`Revoked client key ${id}.`);
        }),
      ),
  );
  return command;
}

function withAdminOptions(command: Command): Command {
  for (const option of adminOptions()) command.addOption(option);
  return command;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function commaList(value: string): string[] {
  const list = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (list.length === 0) throw new InvalidArgumentError('expected one or more comma-separated models');
  return list;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Aligned columns; absent limits print as "-". */
function table(keys: ClientKeyView[]): string {
  if (keys.length === 0) return 'No client keys: /v1 is open unless SWITCHBOARD_REQUIRE_AUTH=1.';
  const rows = [['ID', 'NAME', 'MODELS', 'RPM', 'DAILY TOKENS', 'CREATED']];
  for (const key of keys) {
    rows.push([
      key.id,
      key.name,
      key.models?.join(',') ?? 'all',
      String(key.rpm ?? '-'),
      String(key.dailyTokens ?? '-'),
      new Date(key.created * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
