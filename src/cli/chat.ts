// `switchboard chat`: a streaming chat REPL against a running gateway, with slash commands to change the model, the
// mode and the provider, save the conversation, and Ctrl-C cancelling an answer rather than the session.
import { Command } from 'commander';
import type { Completer } from 'node:readline';
import { MODEL_QUALITIES } from '../config/schema.js';
import { AUTO_MODEL } from '../routing/plan.js';
import { answerWriter, loadMarkdown, statusLine } from './answer-writer.js';
import { lineInput, type LineInput } from './chat-input.js';
import {
  COMMANDS,
  describeRouting,
  messagesOf,
  modelProblem,
  providerProblem,
  providersOf,
  runCommand,
  type ChatSession,
} from './chat-session.js';
import { chatBody, routingOf, streamCompletion, withRoutingOptions, type AskOptions } from './completion.js';
import {
  CliError,
  cliAction,
  EXIT,
  gatewayRequest,
  withGatewayOptions,
  type GatewayOptions,
} from './gateway-client.js';
import { color } from './output.js';

const EXAMPLES = `
Examples:
  $ switchboard chat
  $ switchboard chat --mode fastest
  $ switchboard chat --model groq/llama-3.3-70b-versatile --system "Answer briefly."
  $ SWITCHBOARD_URL=http://gateway:8000 SWITCHBOARD_API_KEY=sk-sb-... switchboard chat

In the chat:
${Object.entries(COMMANDS)
  .map(([command, text]) => `  ${command} ${text}`)
  .join('\n')}
Ctrl-C cancels the answer being written; Ctrl-C or Ctrl-D at an empty prompt quits.`;

/** The `chat` command. */
export function chatCommand(): Command {
  return withRoutingOptions(withGatewayOptions(new Command('chat'), 'client'))
    .description("chat with the gateway's models in the terminal; answers stream as they are written")
    .addHelpText('after', EXAMPLES)
    .action(cliAction((options: AskOptions) => chat(options)));
}

async function chat(options: AskOptions): Promise<void> {
  // Asking for the model list first fails fast (no gateway, a refused key) and gives names to check and complete.
  const session: ChatSession = {
    routing: routingOf(options),
    system: options.system,
    turns: [],
    models: await listModels(options),
  };
  const modelIssue = modelProblem(session, session.routing.model);
  if (modelIssue !== undefined) throw new CliError(`${modelIssue}: \`switchboard models\` lists them`, EXIT.usage);
  const providerIssue = options.provider === undefined ? undefined : providerProblem(session, options.provider);
  if (providerIssue !== undefined) throw new CliError(providerIssue, EXIT.usage);
  const out = process.stdout;
  if (out.isTTY) void loadMarkdown();
  const input = lineInput(process.stdin, out, completer(session));
  say(color.dim(`${describeRouting(session.routing)} · /help · Ctrl-D quits`));
  try {
    for (;;) {
      const line = (await input.read(color.bold(color.cyan('› '))))?.trim();
      if (line === undefined) break;
      if (line === '') continue;
      if (line.startsWith('/')) {
        const outcome = await runCommand(session, line);
        if (outcome.say !== '') say(outcome.say);
        if (outcome.exit) break;
        continue;
      }
      await answer(options, session, input, line);
    }
  } finally {
    input.close();
  }
}

/** Asks `question` in the session and prints the answer as it streams, then the status line. */
async function answer(options: AskOptions, session: ChatSession, input: LineInput, question: string): Promise<void> {
  session.turns.push({ role: 'user', content: question });
  const body = chatBody(session.routing, messagesOf(session), true);
  const controller = new AbortController();
  const writer = answerWriter(process.stdout);
  try {
    const info = await input.whileAnswering(
      () => controller.abort(),
      () => streamCompletion(options, body, (piece) => writer.write(piece), controller.signal),
    );
    await writer.finish();
    session.turns.push({ role: 'assistant', content: info.text, model: info.model });
    say(`${statusLine(info)}\n`);
  } catch (err) {
    writer.stop();
    // The question goes too: a conversation holds only the turns that were answered, so a retry is not a repeat.
    session.turns.pop();
    if (controller.signal.aborted) say(`${color.dim('↳ cancelled (not kept in the conversation)')}\n`);
    else if (err instanceof CliError) say(`${color.red(`error: ${err.message}`)}\n`);
    else throw err;
  }
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** The models the gateway serves to this key (`provider/model`), without `auto`. */
async function listModels(options: GatewayOptions): Promise<string[]> {
  const list = (await gatewayRequest(options, 'GET', '/v1/models', { use: 'client' })) as { data: { id: string }[] };
  return list.data.map((model) => model.id).filter((id) => id !== AUTO_MODEL);
}

/** Tab completion: slash commands, then model names, modes and providers after their command. */
function completer(session: ChatSession): Completer {
  return (line) => {
    if (!line.startsWith('/')) return [[], line];
    const space = line.indexOf(' ');
    if (space === -1) return [Object.keys(COMMANDS).filter((command) => command.startsWith(line)), line];
    const arg = line.slice(space + 1);
    const choices: Record<string, readonly string[]> = {
      '/model': [AUTO_MODEL, ...session.models],
      '/mode': MODEL_QUALITIES,
      '/provider': ['any', ...providersOf(session)],
    };
    return [(choices[line.slice(0, space)] ?? []).filter((choice) => choice.startsWith(arg)), arg];
  };
}
