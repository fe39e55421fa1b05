// `switchboard models proposals | accept <id> | dismiss <id>`: what community lists (`discovery.sources`) propose for
// the catalog, and the operator's decision. Accepting adds the provider (or limits) to the catalog's discovered layer
// and prints the config entry too, for operators who keep everything in the file.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Proposal } from '../catalog/proposals.js';
import { cliAction, gatewayRequest, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { color, count, json, table } from './output.js';

/** Adds the proposal subcommands to `models`. */
export function addProposalCommands(models: Command): void {
  withGatewayOptions(models.command('proposals'), 'admin')
    .description('catalog changes proposed by the community lists in discovery.sources (needs the admin key)')
    .option('--refresh', 'read the lists again first')
    .option('--all', 'also show the accepted and dismissed ones')
    .option('--json', 'print the proposals as JSON')
    .action(
      cliAction(async (_local: unknown, command: Command) => {
        const options = withParent<{ refresh?: boolean; all?: boolean; json?: boolean }>(command);
        if (options.refresh) {
          const { failed } = (await gatewayRequest(options, 'POST', '/admin/catalog/proposals/refresh', {
            use: 'admin',
          })) as { failed: Array<{ source: string; error: string }> };
          for (const { source, error } of failed) process.stderr.write(`could not read ${source}: ${error}\n`);
        }
        const { data } = (await gatewayRequest(options, 'GET', '/admin/catalog/proposals', { use: 'admin' })) as {
          data: Proposal[];
        };
        const shown = options.all ? data : data.filter((p) => p.status === 'pending');
        if (options.json) return void process.stdout.write(json(shown));
        if (shown.length === 0)
          return void process.stdout.write('No proposals. Lists are read from discovery.sources in the config.\n');
        process.stdout.write(table(['ID', 'STATUS', 'CHANGE', 'FROM'], shown.map(cells)));
        process.stdout.write(color.dim(`${count(shown.length, 'proposal')}; \`switchboard models accept <id>\`.\n`));
      }),
    );
  withGatewayOptions(models.command('accept'), 'admin')
    .description('accept a catalog proposal (see `models proposals`): it joins the live catalog')
    .argument('<id>', 'proposal id')
    .option('--base-url <url>', "a new provider's API base URL (a list gives none; without it, it cannot serve)")
    .option('--protocol <protocol>', "a new provider's wire protocol: openai (default), anthropic or gemini")
    .option('--key-env <var>', 'the variable holding its keys, instead of the guessed one')
    .action(
      cliAction(async (id: string, _local: unknown, command: Command) => {
        const options = withParent<{ baseUrl?: string; protocol?: string; keyEnv?: string }>(command);
        const body = {
          ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
          ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
          ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
        };
        const decided = (await gatewayRequest(
          options,
          'POST',
          `/admin/catalog/proposals/${encodeURIComponent(id)}/accept`,
          {
            use: 'admin',
            body,
          },
        )) as Proposal;
        process.stdout.write(`${decided.id} ${decided.status}\n`);
        process.stdout.write(joined(decided));
        process.stdout.write(configSnippet(decided));
      }),
    );
  withGatewayOptions(models.command('dismiss'), 'admin')
    .description('dismiss a catalog proposal (see `models proposals`); an accepted one leaves the catalog')
    .argument('<id>', 'proposal id')
    .action(
      cliAction(async (id: string, _local: unknown, command: Command) => {
        const options = withParent(command);
        const decided = (await gatewayRequest(
          options,
          'POST',
          `/admin/catalog/proposals/${encodeURIComponent(id)}/dismiss`,
          { use: 'admin' },
        )) as Proposal;
        process.stdout.write(`${decided.id} ${decided.status}\n`);
      }),
    );
}

/** What accepting did to the live catalog, in a line or two. */
function joined(proposal: Proposal): string {
  const added = proposal.added;
  if (added === undefined) return '';
  if (proposal.change.kind === 'limits') return `${added.id} now uses these limits: ${JSON.stringify(added.limits)}\n`;
  const keys = added.keyEnv?.join(' or ') ?? 'its key variable';
  const serves = added.keyless
    ? 'it needs no key and serves now'
    : added.baseUrl === undefined
      ? `it cannot serve without a base URL: accept again with --base-url`
      : `it serves once ${keys} is set or a key is added (\`switchboard keys add ${added.id}\`)`;
  return `${added.id} joined the catalog; ${serves}.\n`;
}

/**
 * The subcommand's options with those given before it (`models --url X proposals`) or taken by `models` itself:
 * commander gives an option both define to the parent.
 */
function withParent<T>(command: Command): GatewayOptions & T {
  return command.optsWithGlobals() as GatewayOptions & T;
}

function cells(proposal: Proposal): string[] {
  const { change } = proposal;
  const what =
    change.kind === 'new_provider' && change.entry.keyless === true
      ? `local server ${change.entry.name ?? change.entry.id} at ${change.entry.baseUrl} (${count(change.models.length, 'model')})`
      : change.kind === 'new_provider'
        ? `new provider ${change.entry.name ?? change.entry.id}${change.entry.signupUrl ? ` (${change.entry.signupUrl})` : ''}`
        : `${change.provider} limits ${JSON.stringify(change.current)} -> ${JSON.stringify(change.proposed)}`;
  return [proposal.id, proposal.status, what, proposal.source];
}

/** The same entry for switchboard.yaml, for operators who keep the catalog in the file (it wins over the layer). */
function configSnippet(proposal: Proposal): string {
  const { change } = proposal;
  const entry =
    change.kind === 'new_provider'
      ? {
          ...change.entry,
          protocol: proposal.added?.protocol ?? 'openai',
          baseUrl: proposal.added?.baseUrl ?? 'https://FILL-IN/v1',
          ...(proposal.added?.keyEnv === undefined ? {} : { keyEnv: proposal.added.keyEnv }),
          models: 'discover',
        }
      : { id: change.provider, limits: change.proposed };
  const note =
    change.kind === 'new_provider'
      ? '# Or in switchboard.yaml, under providers: (check the protocol, base URL and key variable):\n'
      : '# Or in switchboard.yaml, under providers:\n';
  return `${note}${stringify({ providers: [entry] })}`;
}
