// `switchboard init` on a terminal: clack prompts to add, replace and remove provider keys (pasted hidden, checked with
// the provider under a spinner), create a client key, and choose the coding agent's folders.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cancel, confirm, intro, isCancel, log, note, outro, select, spinner, text } from '@clack/prompts';
import type { Env } from '../config/load.js';
import { CliError } from './gateway-client.js';
import { configuredRoots, plannedConfig, writeConfig } from './init-config.js';
import {
  clientKeyText,
  masterKeyCreatedText,
  masterKeyText,
  type KeyView,
  type ProviderChoice,
  type Setup,
} from './init-setup.js';
import { color } from './output.js';
import { promptKey } from './secret-input.js';

interface Context {
  env: Env;
  cwd: string;
  /** Check each key with its provider before storing it (--no-validate: not). */
  validate: boolean;
}

const PAID = '\0paid';

/** The whole conversation; each step writes what it decided at once (a cancel keeps what was done before it). */
export async function interactiveInit(setup: Setup, context: Context): Promise<void> {
  intro(color.inverse(' switchboard init '));
  log.info(
    [
      `Config:     ${setup.configFile}${setup.configExists ? '' : ' (new)'}`,
      `Key vault:  ${setup.vaultLocation}`,
      `Master key: ${masterKeyText(setup.master)}`,
    ].join('\n'),
  );
  await keySteps(setup, context);
  await clientKeyStep(setup);
  configStep(setup, context, await answer(folders(setup, context)));
  outro(`Start the gateway with ${color.bold('switchboard serve')} (or ${color.bold('npm start')} in a clone).`);
}

/** The question's answer, or a CliError when the person cancelled (Esc, Ctrl-C). */
async function answer<T>(question: Promise<T>): Promise<Exclude<T, symbol>> {
  const value = await question;
  if (isCancel(value)) {
    cancel('Cancelled: what was stored before stays.');
    throw new CliError('init cancelled');
  }
  return value as Exclude<T, symbol>;
}

async function keySteps(setup: Setup, context: Context): Promise<void> {
  for (;;) {
    const keys = await setup.keys();
    note(keys.length === 0 ? 'None yet.' : keys.map(keyLine).join('\n'), 'Provider keys');
    const stored = keys.filter((k) => k.source === 'vault');
    const action = await answer(
      select({
        message: 'What next?',
        options: [
          { value: 'add', label: 'Add a provider key' },
          ...(stored.length > 0
            ? [
                { value: 'replace', label: 'Replace a stored key' },
                { value: 'remove', label: 'Remove a stored key' },
              ]
            : []),
          { value: 'done', label: keys.length > 0 ? 'Done with keys' : 'Skip: add keys later' },
        ],
        initialValue: keys.length > 0 ? 'done' : 'add',
      }),
    );
    if (action === 'done') return;
    if (action === 'add') {
      const provider = await pickProvider(setup.providers);
      await addKey(
        setup,
        context,
        provider,
        stored.filter((k) => k.provider === provider.id),
      );
    } else {
      const key = await answer(
        select({
          message: action === 'replace' ? 'Which key to replace?' : 'Which key to remove?',
          options: stored.map((k) => ({ value: k, label: keyLine(k) })),
        }),
      );
      const provider = setup.providers.find((p) => p.id === key.provider);
      if (action === 'replace' && provider !== undefined) await addKey(setup, context, provider, [key], true);
      else if (await answer(confirm({ message: `Remove ${keyLine(key)}?`, initialValue: false }))) {
        await setup.remove(key.id);
        log.success(`Removed ${key.id}`);
      }
    }
  }
}

function keyLine(key: KeyView): string {
  const from =
    key.source === 'vault' ? '' : color.dim(key.source === 'env' ? '  (environment)' : '  (switchboard.yaml)');
  return `${key.provider.padEnd(12)} ${key.masked.padEnd(14)} ${color.dim(key.id)}${from}`;
}

/** The free providers with where to get a key, then (on asking) the paid ones. */
async function pickProvider(providers: ProviderChoice[]): Promise<ProviderChoice> {
  const width = Math.max(...providers.map((p) => p.name.length));
  const option = (p: ProviderChoice) => ({
    value: p.id,
    label: `${p.name.padEnd(width)}  ${color.dim(p.signupUrl?.replace(/^https?:\/\//, '') ?? '')}`,
  });
  const paid = providers.filter((p) => !p.free);
  let id = await answer(
    select({
      message: 'Which provider? (free tiers, and where to get a key)',
      options: [
        ...providers.filter((p) => p.free).map(option),
        ...(paid.length > 0 ? [{ value: PAID, label: 'A paid provider…' }] : []),
      ],
    }),
  );
  if (id === PAID) id = await answer(select({ message: 'Which provider?', options: paid.map(option) }));
  return providers.find((p) => p.id === id)!;
}

/**
 * Asks for a key of `provider` until one is stored or the person gives up. `others` are its stored keys: replaced
 * (`replacing`) or, on asking, kept beside the new one.
 */
async function addKey(
  setup: Setup,
  context: Context,
  provider: ProviderChoice,
  others: KeyView[],
  replacing = false,
): Promise<void> {
  const about = [provider.signupUrl ? `Get a key at ${provider.signupUrl}` : '', provider.notes ?? ''];
  note(about.filter(Boolean).join('\n\n'), provider.name);
  for (;;) {
    const secret = await promptKey(provider.name);
    if (secret === undefined) return;
    if (context.validate && !(await checked(setup, provider, secret))) {
      const next = await answer(
        select({
          message: 'What now?',
          options: [
            { value: 'retry', label: 'Paste another key' },
            { value: 'store', label: 'Store it anyway' },
            { value: 'skip', label: `Skip ${provider.name}` },
          ],
        }),
      );
      if (next === 'skip') return;
      if (next === 'retry') continue;
    }
    const before = setup.master.source;
    const stored = await setup.store(provider.id, secret);
    if (before === 'none') log.warn(masterKeyCreatedText(setup.master));
    log.success(`Stored ${provider.id} key ${stored.id} (${stored.masked})`);
    for (const old of others.filter((k) => k.id !== stored.id)) {
      const drop =
        replacing ||
        !(await answer(
          confirm({ message: `Keep ${old.masked} too? (the gateway takes turns with a provider's keys)` }),
        ));
      if (!drop) continue;
      await setup.remove(old.id);
      log.success(`Removed ${old.id} (${old.masked})`);
    }
    return;
  }
}

/** Checks the key with the provider under a spinner; says what the provider answered. */
async function checked(setup: Setup, provider: ProviderChoice, secret: string): Promise<boolean> {
  const progress = spinner();
  progress.start(`Checking the key with ${provider.name}`);
  const check = await setup.check(provider.id, secret);
  if (check.ok) progress.stop(`${provider.name} accepted the key (${check.models} models)`);
  else if (check.refused) progress.error(`${provider.name} refused the key (HTTP ${check.status}): ${check.message}`);
  else progress.error(`Could not ask ${provider.name}: ${check.message}`);
  return check.ok;
}

async function clientKeyStep(setup: Setup): Promise<void> {
  const count = await setup.clientKeyCount();
  const message =
    count === 0
      ? 'Create a client key? Apps then need it to use the gateway (a must before serving beyond this machine)'
      : `${count} client key(s) exist. Create another?`;
  if (!(await answer(confirm({ message, initialValue: false })))) return;
  const name = await answer(
    text({ message: 'Who or what is it for?', placeholder: 'default', defaultValue: 'default' }),
  );
  note(clientKeyText(await setup.createClientKey(name)), 'Client key (shown this once)');
}

/** The agent's folders asked for, starting from the configured ones (else the working directory). */
function folders(setup: Setup, context: Context): Promise<string | symbol> {
  const current = configuredRoots(readConfig(setup));
  return text({
    message: 'Folders the coding agent may edit (comma-separated; empty for none)',
    initialValue: (current.length > 0 ? current : [context.cwd]).join(', '),
  });
}

function configStep(setup: Setup, context: Context, answered: string | undefined): void {
  const roots = (answered ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => path.resolve(context.cwd, part));
  const existing = readConfig(setup);
  const notes = { vaultLocation: setup.vaultLocation, masterKeyFile: setup.master.file };
  const planned = plannedConfig(existing, { workspaceRoots: roots }, notes);
  if (planned === undefined) return void log.info(`${setup.configFile}: nothing to change`);
  writeConfig(setup.configFile, planned, context.env);
  log.success(`${existing === undefined ? 'Wrote' : 'Updated'} ${setup.configFile}`);
}

function readConfig(setup: Setup): string | undefined {
  return existsSync(setup.configFile) ? readFileSync(setup.configFile, 'utf8') : undefined;
}
