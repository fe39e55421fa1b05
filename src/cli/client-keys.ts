// `switchboard client-keys create|list|revoke`: manages a running gateway's client keys through its admin API.
import { Command, InvalidArgumentError } from 'commander';
import { cliAction, gatewayRequest, positiveInt, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { json, table } from './output.js';

/** A key as GET /admin/client-keys lists it. */
interface ClientKeyView {
  id: string;
  name: string;
  models: string[] | null;
  rpm: number | null;
  dailyTokens: number | null;
  created: number;
}

interface CreateOptions extends GatewayOptions {
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
    withGatewayOptions(new Command('create'), 'admin')
      .description('create a client key and print it (it is shown this once)')
      .requiredOption('--name <name>', 'who or what the key is for')
      .option('--models <list>', 'comma-separated provider/model refs the key may use (default: all)', commaList)
      .option('--rpm <n>', 'requests per minute', positiveInt)
      .option('--daily-tokens <n>', 'tokens per rolling 24 hours', positiveInt)
      .option('--json', 'print the API answer as JSON')
      .action(
        cliAction(async (options: CreateOptions) => {
          const body = {
            name: options.name,
            models: options.models,
            rpm: options.rpm,
            dailyTokens: options.dailyTokens,
          };
          const created = (await gatewayRequest(options, 'POST', '/admin/client-keys', {
            body,
            use: 'admin',
          })) as ClientKeyView & {
            key: string;
          };
          if (options.json) {
            process.stdout.write(json(created));
            return;
          }
          print(`Created client key ${created.id} (${created.name}).\n\n    ${created.key}\n`);
          print('Copy it now: it is stored hashed and will not be shown again.');
        }),
      ),
  );
  command.addCommand(
    withGatewayOptions(new Command('list'), 'admin')
      .description('list client keys (never the keys themselves)')
      .option('--json', 'print the API answer as JSON')
      .action(
        cliAction(async (options: GatewayOptions & { json?: boolean }) => {
          const { data } = (await gatewayRequest(options, 'GET', '/admin/client-keys', { use: 'admin' })) as {
            data: ClientKeyView[];
          };
          process.stdout.write(options.json ? json(data) : keyTable(data));
        }),
      ),
  );
  command.addCommand(
    withGatewayOptions(new Command('revoke'), 'admin')
      .description('delete a client key: requests with it are refused from then on')
      .argument('<id>', 'the key id (ck_…)')
      .action(
        cliAction(async (id: string, options: GatewayOptions) => {
          await gatewayRequest(options, 'DELETE', `/admin/client-keys/${encodeURIComponent(id)}`, { use: 'admin' });
          print(`Revoked client key ${id}.`);
        }),
      ),
  );
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

/** The keys as a table; absent limits print as "-". */
function keyTable(keys: ClientKeyView[]): string {
  if (keys.length === 0) return 'No client keys: /v1 is open unless SWITCHBOARD_REQUIRE_AUTH=1.\n';
  return table(
    ['ID', 'NAME', 'MODELS', 'RPM', 'DAILY TOKENS', 'CREATED'],
    keys.map((key) => [
      key.id,
      key.name,
      key.models?.join(',') ?? 'all',
      String(key.rpm ?? '-'),
      String(key.dailyTokens ?? '-'),
      new Date(key.created * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    ]),
  );
}
