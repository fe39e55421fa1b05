// `switchboard models`: the models a running gateway can route to (GET /v1/models), filtered by capability,
// provider or price.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CAPABILITIES } from '../config/schema.js';
import { addProposalCommands } from './model-proposals.js';
import { cliAction, gatewayRequest, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { modelsSyncCommand } from './models-sync.js';
import { color, count, json, table } from './output.js';

/** A model as GET /v1/models lists it (`auto` has only the first four fields and `endpoints`). */
interface ModelView {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  name?: string;
  capabilities?: string[];
  context_window?: number;
  max_output_tokens?: number;
  pricing?: { input: number; output: number };
  free?: boolean;
  /** Embedding models: their vectors' length. */
  dimensions?: number;
}

interface ModelsOptions extends GatewayOptions {
  capability?: string[];
  provider?: string;
  free?: boolean;
  json?: boolean;
}

/** The `models` command. */
export function modelsCommand(): Command {
  const models = withGatewayOptions(new Command('models'), 'client')
    .description('the models the gateway routes to (those your client key may use), with capabilities and price')
    .addOption(
      new Option(
        '-c, --capability <names>',
        'only models with these capabilities (comma-separated, or repeated)',
      ).argParser(capabilities),
    )
    .option('-p, --provider <id>', 'only models of this provider')
    .option('--free', 'only models that cost nothing with the keys the gateway has')
    .option('--json', 'print the models as JSON (the API objects)')
    .addHelpText(
      'after',
      `
Capabilities: ${CAPABILITIES.join(', ')}.
Any OpenAI client can ask for a model by its id, or for "auto" to let the router choose among them.

Examples:
  $ switchboard models
  $ switchboard models --free --capability tools,vision
  $ switchboard models --provider groq --json | jq -r '.[].id'
  $ switchboard models sync        # ask every provider for its models now (admin key)`,
    )
    .action(
      cliAction(async (options: ModelsOptions) => {
        const { data } = (await gatewayRequest(options, 'GET', '/v1/models', { use: 'any' })) as {
          data: ModelView[];
        };
        const models = data.filter((m) => m.capabilities !== undefined && matches(m, options));
        if (options.json) return void process.stdout.write(json(models));
        const filtered = options.capability !== undefined || options.provider !== undefined || options.free;
        if (models.length === 0) {
          const why = filtered ? 'No enabled model matches.' : 'No model is enabled: the gateway has no provider keys.';
          return void process.stdout.write(`${why} \`switchboard status\` shows the providers.\n`);
        }
        process.stdout.write(table(['MODEL', 'CONTEXT', 'CAPABILITIES', 'PRICE (IN/OUT PER 1M)'], models.map(cells)));
        process.stdout.write(color.dim(`${count(models.length, 'model')}; "auto" routes among them.\n`));
      }),
    );
  addProposalCommands(models);
  models.addCommand(modelsSyncCommand());
  return models;
}

/** Adds the comma-separated capabilities in `value` to those of earlier --capability options. */
function capabilities(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !(CAPABILITIES as readonly string[]).includes(name));
  if (unknown !== undefined)
    throw new InvalidArgumentError(`'${unknown}' is not a capability; choose from ${CAPABILITIES.join(', ')}`);
  return [...(previous ?? []), ...names];
}

function matches(model: ModelView, options: ModelsOptions): boolean {
  if (options.provider !== undefined && model.owned_by !== options.provider) return false;
  if (options.free && !model.free) return false;
  return (options.capability ?? []).every((c) => model.capabilities?.includes(c));
}

function cells(model: ModelView): string[] {
  const price = model.pricing;
  return [
    model.id,
    model.context_window === undefined ? '-' : count(model.context_window),
    (model.capabilities ?? []).join(', ') + (model.dimensions === undefined ? '' : ` (${model.dimensions} dims)`),
    model.free || price === undefined ? color.green('free') : `$${price.input} / $${price.output}`,
  ];
}
