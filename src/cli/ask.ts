// `switchboard ask "question"`: one question to a running gateway, with piped stdin as context; the answer streams to
// stdout (markdown rendered on a terminal, the exact text anywhere else), or comes whole as JSON with --json.
import { Command } from 'commander';
import { answerWriter, statusLine } from './answer-writer.js';
import { chatBody, routingOf, streamCompletion, withRoutingOptions, type AskOptions, type Turn } from './completion.js';
import { CliError, cliAction, EXIT, gatewayRequest, withGatewayOptions } from './gateway-client.js';
import { json } from './output.js';

const EXAMPLES = `
Examples:
  $ switchboard ask "What is a circuit breaker?"
  $ cat main.py | switchboard ask "review this"
  $ git diff | switchboard ask --mode best_quality "write a commit message for this diff"
  $ switchboard ask --model groq/llama-3.3-70b-versatile "Say hi" > answer.txt
  $ switchboard ask --json "Say hi" | jq -r '.choices[0].message.content'

Piped stdin comes first in the message, the question after it. On a terminal the answer is rendered as markdown and
a line on stderr says which model answered; piped or redirected, stdout gets the answer's exact text.`;

/** The `ask` command. */
export function askCommand(): Command {
  return withRoutingOptions(withGatewayOptions(new Command('ask'), 'client'))
    .description('ask one question; the answer streams to stdout')
    .argument('[question...]', 'the question (quotes optional); piped stdin is added as context')
    .option('--json', 'print the whole response object (chat.completion) instead of streaming the text')
    .addHelpText('after', EXAMPLES)
    .action(cliAction((words: string[], options: AskOptions & { json?: boolean }) => ask(words.join(' '), options)));
}

async function ask(question: string, options: AskOptions & { json?: boolean }): Promise<void> {
  // Like llm and ollama: stdin that is not a terminal is read to its end (a pipe or a file), and /dev/null is empty.
  const context = process.stdin.isTTY ? '' : await readAll(process.stdin);
  const content = [context.trimEnd(), question.trim()].filter((part) => part !== '').join('\n\n');
  if (content === '')
    throw new CliError('nothing to ask: give a question (`switchboard ask "..."`) or pipe text in', EXIT.usage);
  const messages: Turn[] = [
    ...(options.system === undefined ? [] : [{ role: 'system' as const, content: options.system }]),
    { role: 'user', content },
  ];
  const routing = routingOf(options);
  if (options.json) {
    const completion = await gatewayRequest(options, 'POST', '/v1/chat/completions', {
      body: chatBody(routing, messages, false),
      use: 'client',
    });
    process.stdout.write(json(completion));
    return;
  }
  const writer = answerWriter(process.stdout);
  try {
    const info = await streamCompletion(options, chatBody(routing, messages, true), (piece) => writer.write(piece));
    await writer.finish();
    // Who answered, for the person at the terminal; never in the way of what a script reads from stdout.
    if (process.stderr.isTTY) process.stderr.write(`${statusLine(info)}\n`);
  } catch (err) {
    writer.stop();
    throw err;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
}
