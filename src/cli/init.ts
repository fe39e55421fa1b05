// `switchboard init`: sets a gateway up without one running: provider keys checked with the provider and stored in the
// vault, a first client key, a commented switchboard.yaml. Interactive on a terminal; flags for scripts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Env } from '../config/load.js';
import { CliError, cliAction, EXIT } from './gateway-client.js';
import { configuredRoots, plannedConfig, writeConfig } from './init-config.js';
import { interactiveInit } from './init-interactive.js';
import { clientKeyText, configPath, masterKeyCreatedText, masterKeyText, openSetup, type Setup } from './init-setup.js';
import { json } from './output.js';
import { readKey, type SecretInput } from './secret-input.js';

interface InitOptions {
  provider?: string;
  keyStdin?: boolean;
  replace?: boolean;
  remove?: string[];
  validate: boolean;
  clientKey?: string;
  workspaceRoot?: string[];
  config?: string;
  yes?: boolean;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ switchboard init                                    # asks, step by step
  $ pbpaste | switchboard init --provider groq --key-stdin
  $ echo "$KEY" | switchboard init --provider gemini --key-stdin --replace --client-key ci --json
  $ switchboard init --workspace-root ~/code --yes      # let the coding agent work under ~/code

Provider keys go to the key vault (the gateway's data directory, or Redis with REDIS_URL), encrypted under
$SWITCHBOARD_MASTER_KEY, else the master key file init creates there (mode 0600). Exit codes: 0 done, 1 a key the
provider refused or a setting that would not load, 2 bad arguments, 69 Redis (REDIS_URL) not answering.`;

export function initCommand(): Command {
  return new Command('init')
    .description('set up provider keys, a client key and switchboard.yaml (no running gateway needed)')
    .option('--provider <id>', 'add a key for this provider (e.g. groq), read from stdin with --key-stdin')
    .option('--key-stdin', 'read the provider key from stdin (keeps it out of the shell history)')
    .option('--replace', "with --provider: remove that provider's other stored keys")
    .option('--remove <id...>', 'remove stored keys by id (as init or `switchboard keys list` shows them)')
    .option('--no-validate', 'store the key without checking it with the provider first')
    .option('--client-key <name>', 'create a client key with this name (printed once)')
    .addOption(
      new Option('--workspace-root <dir...>', 'a folder the coding agent may work in (added to agents.workspaceRoots)'),
    )
    .option('-c, --config <file>', 'the config file to write (default: ./switchboard.yaml)')
    .option('-y, --yes', 'ask nothing: do what the flags say')
    .option('--json', 'print what was done as JSON')
    .addHelpText('after', EXAMPLES)
    .action(cliAction((options: InitOptions) => runInit(options, process.env, process.cwd())));
}

/** Which way to run: the questions on a terminal when no flag says what to do, else the flags alone. */
async function runInit(options: InitOptions, env: Env, cwd: string): Promise<void> {
  const setup = await openSetup(env, configPath(options.config, cwd));
  try {
    const flagged =
      options.provider !== undefined ||
      options.remove !== undefined ||
      options.clientKey !== undefined ||
      options.workspaceRoot !== undefined;
    const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (terminal && !flagged && !options.yes && !options.json)
      await interactiveInit(setup, { env, cwd, validate: options.validate });
    else await scriptedInit(setup, options, env, cwd);
  } finally {
    await setup.close();
  }
}

/** What a scripted run did, for --json (and its lines otherwise). */
interface Done {
  config_file: string;
  config_written: boolean;
  vault: string;
  master_key: { source: string; file: string; created: boolean };
  keys_added: Array<{ id: string; provider: string; masked: string; validated: boolean }>;
  keys_removed: string[];
  client_key: { id: string; name: string; key: string } | null;
}

async function scriptedInit(setup: Setup, options: InitOptions, env: Env, cwd: string): Promise<void> {
  const lines: string[] = [];
  const masterBefore = setup.master.source;
  const done: Omit<Done, 'master_key'> = {
    config_file: setup.configFile,
    config_written: false,
    vault: setup.vaultLocation,
    keys_added: [],
    keys_removed: [],
    client_key: null,
  };
  if (options.provider !== undefined) await addKey(setup, options, done, lines);
  for (const id of options.remove ?? []) {
    if (!(await setup.remove(id)))
      throw new CliError(`no key ${id} in the vault (keys from the environment or the config are removed there)`);
    done.keys_removed.push(id);
    lines.push(`Removed ${id} from the vault`);
  }
  if (options.clientKey !== undefined) {
    const created = await setup.createClientKey(options.clientKey);
    done.client_key = { id: created.id, name: created.name, key: created.key };
    lines.push(clientKeyText(created));
  }
  const existing = existsSync(setup.configFile) ? readFileSync(setup.configFile, 'utf8') : undefined;
  const given = (options.workspaceRoot ?? []).map((dir) => path.resolve(cwd, dir));
  const roots = [...new Set([...configuredRoots(existing), ...given])];
  const notes = { vaultLocation: setup.vaultLocation, masterKeyFile: setup.master.file };
  const text = plannedConfig(existing, given.length > 0 ? { workspaceRoots: roots } : {}, notes);
  if (text !== undefined) {
    writeConfig(setup.configFile, text, env);
    done.config_written = true;
  }
  lines.push(`${done.config_written ? 'Wrote' : 'Kept'} ${setup.configFile}`);
  lines.push(`Key vault: ${setup.vaultLocation}; master key: ${masterKeyText(setup.master)}`);
  lines.push('Next: start the gateway with `switchboard serve` (or `npm start` in a clone).');
  const { source, file } = setup.master;
  const master_key = { source, file, created: masterBefore === 'none' && source !== 'none' };
  process.stdout.write(options.json ? json({ ...done, master_key }) : `${lines.join('\n')}\n`);
}

/** --provider: the key from stdin (or a masked prompt on a terminal), checked with the provider unless told not to. */
async function addKey(setup: Setup, options: InitOptions, done: Omit<Done, 'master_key'>, lines: string[]) {
  const provider = setup.providers.find((p) => p.id === options.provider);
  if (provider === undefined)
    throw new CliError(
      `unknown provider '${options.provider}': one of ${setup.providers.map((p) => p.id).join(', ')}`,
      EXIT.usage,
    );
  const io: SecretInput = { stdin: process.stdin, stderr: process.stderr };
  if (!options.keyStdin && !process.stdin.isTTY)
    throw new CliError(`give the ${provider.id} key on stdin with --key-stdin`, EXIT.usage);
  const secret = await readKey(io, provider.id);
  if (options.validate) {
    const check = await setup.check(provider.id, secret);
    if (!check.ok) {
      const where = provider.signupUrl ? `check it at ${provider.signupUrl}, or ` : '';
      throw new CliError(
        check.refused
          ? `${provider.id} refused the key (HTTP ${check.status}): ${check.message}; ${where}pass --no-validate to store it anyway`
          : `could not check the key with ${provider.id}: ${check.message}; pass --no-validate to store it without checking`,
      );
    }
    lines.push(`${provider.name} accepted the key (${check.models} models)`);
  }
  const before = setup.master.source;
  const stored = await setup.store(provider.id, secret);
  if (before === 'none') lines.push(masterKeyCreatedText(setup.master));
  done.keys_added.push({ ...stored, validated: options.validate });
  lines.push(`Stored ${provider.id} key ${stored.id} (${stored.masked}) in the key vault`);
  if (!options.replace) return;
  for (const key of await setup.keys()) {
    if (key.source !== 'vault' || key.provider !== provider.id || key.id === stored.id) continue;
    await setup.remove(key.id);
    done.keys_removed.push(key.id);
    lines.push(`Removed ${key.id} (${key.masked}), the ${provider.id} key it replaces`);
  }
}
