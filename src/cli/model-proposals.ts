// `switchboard models proposals | accept <id> | dismiss <id>`: what community lists (`discovery.sources`) propose for
// the catalog, and the operator's decision. Accepting prints the config entry to add: nothing is enabled by it.
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
  for (const [verb, path] of [
    ['accept', 'accept'],
    ['dismiss', 'dismiss'],
  ] as const) {
    withGatewayOptions(models.command(verb), 'admin')
      .description(`${verb} a catalog proposal (see \`models proposals\`)`)
      .argument('<id>', 'proposal id')
      .action(
        cliAction(async (id: string, _local: unknown, command: Command) => {
          const options = withParent(command);
          const decided = (await gatewayRequest(
            options,
            'POST',
            `/admin/catalog/proposals/${encodeURIComponent(id)}/${path}`,
            { use: 'admin' },
          )) as Proposal;
          process.stdout.write(`${decided.id} ${decided.status}\n`);
          if (verb === 'accept') process.stdout.write(configSnippet(decided));
        }),
      );
  }
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
    change.kind === 'new_provider'
      ? `new provider ${change.entry.name ?? change.entry.id}${change.entry.signupUrl ? ` (${change.entry.signupUrl})` : ''}`
      : `${change.provider} limits ${JSON.stringify(change.current)} -> ${JSON.stringify(change.proposed)}`;
  return [proposal.id, proposal.status, what, proposal.source];
}

/** What to put in switchboard.yaml for an accepted proposal: the gateway changes nothing by itself. */
function configSnippet(proposal: Proposal): string {
  const { change } = proposal;
  const entry =
    change.kind === 'new_provider'
      ? {
          ...change.entry,
          protocol: 'openai',
          baseUrl: 'https://FILL-IN/v1',
          models: change.models.map((id) => ({ id })),
        }
      : { id: change.provider, limits: change.proposed };
  const note =
    change.kind === 'new_provider'
      ? '# Add under providers: in switchboard.yaml; check the protocol, base URL, key variable and models first.\n'
      : '# Add under providers: in switchboard.yaml to use these limits.\n';
  return `${note}${stringify({ providers: [entry] })}`;
}
