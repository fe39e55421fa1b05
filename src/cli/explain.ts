// `switchboard explain "prompt"`: how the gateway would route a request (POST /v1/routing/explain): its
// classification, the candidates in the order they would be tried with the reasons for each, and what was left out.
import { readFile } from 'node:fs/promises';
import { text as readAll } from 'node:stream/consumers';
import { Command, Option } from 'commander';
import { MODEL_QUALITIES } from '../config/schema.js';
import type { RoutingExplanation } from '../server/routes/routing.js';
import {
  CliError,
  EXIT,
  cliAction,
  gatewayRequest,
  withGatewayOptions,
  type GatewayOptions,
} from './gateway-client.js';
import { color, json, table } from './output.js';

interface ExplainOptions extends GatewayOptions {
  model: string;
  mode?: string;
  provider?: string;
  system?: string;
  request?: string;
  json?: boolean;
}

/** The `explain` command. */
export function explainCommand(): Command {
  return withGatewayOptions(new Command('explain'), 'client')
    .description('show how the gateway would route a prompt, calling no model: its task, the ranking and the reasons')
    .argument('[prompt...]', 'the prompt (piped stdin is added before it, as context)')
    .option('-m, --model <id>', 'the model asked for: auto, provider/model or a bare model id', 'auto')
    .addOption(new Option('--mode <mode>', 'model_quality to route for').choices(MODEL_QUALITIES))
    .option('--provider <id>', 'pin the provider')
    .option('--system <text>', 'a system message before the prompt')
    .option('--request <file>', "explain this chat completions request body (JSON; '-' reads stdin) instead")
    .option('--json', 'print the API answer as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard explain "Write a binary search in Rust"
  $ switchboard explain --mode fastest "Translate 'good morning' to Japanese"
  $ cat main.py | switchboard explain "find the bug"
  $ switchboard explain --request body.json --json | jq '.candidates[0].model'`,
    )
    .action(
      cliAction(async (words: string[], options: ExplainOptions) => {
        const body = await requestBody(words.join(' ').trim(), options);
        const answer = (await gatewayRequest(options, 'POST', '/v1/routing/explain', {
          body,
          use: 'any',
        })) as RoutingExplanation;
        process.stdout.write(options.json ? json(answer) : explanation(answer));
      }),
    );
}

/** The chat request to explain: the --request file, or a user message from the prompt and piped stdin. */
async function requestBody(prompt: string, options: ExplainOptions): Promise<unknown> {
  if (options.request !== undefined) {
    const text = options.request === '-' ? await readAll(process.stdin) : await readFile(options.request, 'utf8');
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new CliError(`${options.request} is not JSON: ${(err as Error).message}`, EXIT.usage);
    }
  }
  const context = process.stdin.isTTY ? '' : (await readAll(process.stdin)).trim();
  const content = [context, prompt].filter((part) => part !== '').join('\n\n');
  if (content === '')
    throw new CliError('give a prompt: switchboard explain "your prompt" (or pipe text in)', EXIT.usage);
  return {
    model: options.model,
    messages: [...(options.system ? [{ role: 'system', content: options.system }] : []), { role: 'user', content }],
    ...(options.mode === undefined ? {} : { model_quality: options.mode }),
    ...(options.provider === undefined ? {} : { provider: options.provider }),
  };
}

/** How complexity moved from the classifier's figure, when weak models' outcomes on its cluster moved it. */
function learnt(answer: RoutingExplanation): string {
  const evidence = answer.complexity_evidence;
  if (evidence === undefined || evidence.good + evidence.bad <= 0) return '';
  const answers = Math.round((evidence.good + evidence.bad) * 10) / 10;
  return ` (classifier ${evidence.prior}, ${answers} weak answers on ${evidence.cluster})`;
}

/** The explanation as people read it. */
function explanation(answer: RoutingExplanation): string {
  const needs = Object.entries(answer.needs)
    .filter(([, needed]) => needed)
    .map(([need]) => (need === 'longContext' ? 'long context' : need));
  const domain = answer.domain === 'general' ? '' : ` · ${answer.domain}`;
  const lines = [
    `${color.bold('Task')}  ${answer.task}${domain} · complexity ${answer.complexity}${learnt(answer)} · ${answer.tokens} tokens` +
      (needs.length > 0 ? ` · needs ${needs.join(', ')}` : ''),
    `${color.bold('Mode')}  ${answer.mode}${answer.rule === undefined ? '' : ` · rule ${answer.rule}`}` +
      (answer.weights === undefined ? '' : ` · ${weightsLine(answer.weights)}`) +
      (answer.ensemble === undefined ? '' : ` · ensemble ${answer.ensemble.strategy}`) +
      (answer.cache ? ' · cached answers allowed' : ''),
    '',
  ];
  if (answer.candidates.length === 0) lines.push(color.red('No model can take this request.'));
  else
    lines.push(
      table(
        ['#', 'MODEL', 'SCORE', 'WHY'],
        answer.candidates.map((c, i) => [
          String(i + 1),
          i === 0 ? color.green(c.model) : c.model,
          score(c.score),
          // The weights are the plan's, the same in every row: said once, on the Mode line.
          c.reasons.filter((reason) => answer.weights === undefined || !reason.startsWith('weights ')).join('; '),
        ]),
      ).trimEnd(),
    );
  if (answer.skipped.length > 0) {
    lines.push('', color.bold('Left out'));
    for (const s of answer.skipped) lines.push(`  ${color.dim(s.model)}  ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

function weightsLine(weights: NonNullable<RoutingExplanation['weights']>): string {
  return `weights quality ${weights.quality}, speed ${weights.speed}, price ×${weights.cost}`;
}

function score(value: number): string {
  return value.toFixed(3);
}
