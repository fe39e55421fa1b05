// `switchboard agent "task"`: the coding agent on a folder through a running gateway: progress as it works, its
// questions asked here, writes shown as a diff to approve, the summary; `--thread` continues a thread.
import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { AgentResponse, ThreadView } from '../../graphs/code-agent/threads/thread-view.js';
import { MODEL_QUALITIES } from '../config/schema.js';
import { createProgress, followThread, type Progress } from './agent-events.js';
import { createHuman, type Human, type ProposedWrite } from './agent-human.js';
import {
  CliError,
  cliAction,
  EXIT,
  gatewayRequest,
  withGatewayOptions,
  type GatewayOptions,
} from './gateway-client.js';
import { color, json } from './output.js';

interface AgentOptions extends GatewayOptions {
  dir: string;
  thread?: string;
  yes?: boolean;
  quality?: string;
  provider?: string;
  language?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ switchboard agent "add a slugify function to src/text.ts with tests"
  $ switchboard agent "why does npm test fail?" --dir ~/code/app --quality best_quality
  $ switchboard agent --thread 5f0c…            # answer the question a thread waits on
  $ switchboard agent --thread 5f0c… "now add docs"
  $ printf 'slugify\\nyes\\n' | switchboard agent "add a helper"   # answers, one per line, from a pipe

The folder must lie under one of the gateway's workspace roots (SWITCHBOARD_WORKSPACE_ROOTS, or agents.workspaceRoots
in switchboard.yaml; \`switchboard init --workspace-root DIR\` adds one). Every write is shown as a diff and waits for
your yes, unless --yes. Ctrl-C cancels the run; the thread stays and --thread continues it.
Exit codes: 0 done, 1 the agent stopped on an error (or no answer was given), 2 bad arguments, 69 no gateway,
77 key refused, 130 cancelled.`;

export function agentCommand(): Command {
  return withGatewayOptions(new Command('agent'), 'client')
    .description('run the coding agent on a folder through a running gateway')
    .argument('[task]', 'what the agent should do (omit with --thread to answer its pending question)')
    .option('-d, --dir <folder>', 'the project folder the agent reads and writes', '.')
    .option('-t, --thread <id>', 'continue this thread (its id is printed at the end of every run)')
    .option('-y, --yes', 'write files without asking for approval')
    .addOption(new Option('-q, --quality <mode>', 'routing mode for its model calls').choices(MODEL_QUALITIES))
    .option('--provider <id>', 'use only this provider')
    .option('--language <language>', 'the language to write in, when it is not clear from the project')
    .option('--json', "print the agent's final answer as JSON (progress and questions go to stderr)")
    .addHelpText('after', EXAMPLES)
    .action(cliAction((task: string | undefined, options: AgentOptions) => runAgent(task, options)));
}

async function runAgent(task: string | undefined, options: AgentOptions): Promise<void> {
  if (task === undefined && options.thread === undefined)
    throw new CliError('give the task, e.g. switchboard agent "add tests", or --thread ID to continue one', EXIT.usage);
  const dir = await realpath(path.resolve(options.dir)).catch(() => {
    throw new CliError(`no folder ${path.resolve(options.dir)}: pass an existing one with --dir`, EXIT.usage);
  });
  const threadId = options.thread ?? randomUUID();
  const progress = createProgress(process.stderr, process.stderr.isTTY === true);
  const follower = await followThread(options, threadId, progress);
  const human = createHuman(process.stdin, process.stderr);
  const stop = onInterrupt(options, threadId, progress);
  try {
    progress.status('Starting');
    let answer = task === undefined ? await pending(options, threadId) : await invoke(options, task, dir, threadId);
    if (answer === undefined) return;
    while (answer.agent_status === 'requires_human_input' && answer.human_input_request !== null) {
      await follower?.settled(answer.run_id);
      progress.clear();
      const reply = await replyTo(options, human, answer, dir);
      if (reply === undefined)
        throw new CliError(
          `no answer given: the thread waits for one; continue with \`switchboard agent --thread ${threadId}\``,
        );
      progress.status('Working');
      answer = (await gatewayRequest(options, 'POST', '/v1/agents/resume', {
        body: { thread_id: threadId, tool_call_id: answer.human_input_request.tool_call_id, human_response: reply },
        untimed: true,
      })) as AgentResponse;
    }
    await follower?.settled(answer.run_id);
    progress.clear();
    finish(answer, options);
  } finally {
    progress.clear();
    stop();
    human.close();
    follower?.close();
  }
}

/** Starts the task on the thread; a refused folder or a thread that waits for an answer says what to do. */
async function invoke(options: AgentOptions, task: string, dir: string, threadId: string): Promise<AgentResponse> {
  const body = {
    instruction: task,
    project_directory: dir,
    thread_id: threadId,
    require_approval: options.yes ? [] : ['write_file'],
    ...(options.quality === undefined ? {} : { model_quality: options.quality }),
    ...(options.provider === undefined ? {} : { provider: options.provider }),
    ...(options.language === undefined ? {} : { language: options.language }),
  };
  try {
    // A run may take up to the gateway's agents.maxRunMs (10 minutes by default) before it answers.
    return (await gatewayRequest(options, 'POST', '/v1/agents/code/invoke', { body, untimed: true })) as AgentResponse;
  } catch (err) {
    throw explained(err, dir, threadId);
  }
}

function explained(err: unknown, dir: string, threadId: string): unknown {
  if (!(err instanceof CliError)) return err;
  if (err.apiCode === 'workspace_disabled' || err.apiCode === 'workspace_not_allowed')
    return new CliError(
      `the gateway does not let the agent work in ${dir}: allow it with \`switchboard init --workspace-root ${dir}\` ` +
        `(or SWITCHBOARD_WORKSPACE_ROOTS=${dir} in the gateway's environment), restart the gateway, and run this again`,
    );
  if (err.apiCode === 'workspace_not_found')
    return new CliError(`the gateway cannot see ${dir}: the agent works on folders of the machine the gateway runs on`);
  if (err.apiCode === 'thread_waiting_for_input')
    return new CliError(
      `thread ${threadId} waits for an answer first: run \`switchboard agent --thread ${threadId}\` to give it`,
    );
  return err;
}

/** `--thread` without a task: the question the thread waits on, as an answer to reply to; else what it is. */
async function pending(options: AgentOptions, threadId: string): Promise<AgentResponse | undefined> {
  const view = (await gatewayRequest(
    options,
    'GET',
    `/v1/agents/threads/${encodeURIComponent(threadId)}`,
  )) as ThreadView;
  if (view.status === 'interrupted' && view.human_input_request !== null)
    return { ...view, run_id: '', agent_status: 'requires_human_input', generated_code: null, explanation: null };
  const last = view.messages.filter((m) => m.role === 'assistant' && typeof m.content === 'string').at(-1);
  process.stdout.write(
    `Thread ${threadId} is ${view.status}${last ? `; its last answer:\n\n${String(last.content)}\n` : '.\n'}` +
      `\nGive it a task to continue: switchboard agent --thread ${threadId} "…"\n`,
  );
  return undefined;
}

/** The answer to the pending question: a question asked, or a write shown and approved or declined. */
async function replyTo(options: AgentOptions, human: Human, answer: AgentResponse, dir: string) {
  const request = answer.human_input_request!;
  if (request.kind !== 'approval') return human.ask(request.question_for_human);
  const write = await proposedWrite(options, answer.thread_id, request.tool_call_id);
  if (write === undefined) return human.ask(request.question_for_human);
  const project = (answer.request_params as { project_directory?: string }).project_directory ?? dir;
  return human.approve(write, project);
}

/** The file and content of the write waiting for approval, from the thread's messages (the model's tool call). */
async function proposedWrite(options: AgentOptions, threadId: string, toolCallId: string) {
  const view = (await gatewayRequest(
    options,
    'GET',
    `/v1/agents/threads/${encodeURIComponent(threadId)}`,
  )) as ThreadView;
  for (const message of view.messages)
    for (const call of message.role === 'assistant' ? (message.tool_calls ?? []) : [])
      if (call.id === toolCallId && call.function.name === 'write_file') {
        const args = parsed(call.function.arguments);
        if (typeof args.filepath === 'string' && typeof args.content === 'string')
          return { filepath: args.filepath, content: args.content };
      }
  return undefined;
}

/** A tool call's arguments; nothing usable when they are not a JSON object (the question's text is shown then). */
function parsed(text: string): Partial<ProposedWrite> {
  try {
    return (JSON.parse(text) as Partial<ProposedWrite> | null) ?? {};
  } catch {
    return {};
  }
}

/** The summary on stdout (or the answer as JSON); an agent that stopped on an error exits 1. */
function finish(answer: AgentResponse, options: AgentOptions): void {
  const again = `switchboard agent --thread ${answer.thread_id} "…"`;
  if (options.json) process.stdout.write(json(answer));
  if (answer.agent_status === 'error') {
    const details = answer.error_details;
    throw new CliError(
      `the agent stopped: ${details?.message ?? 'unknown error'} (${details?.code ?? 'error'}); ` +
        `the thread keeps its work: continue with ${again}`,
    );
  }
  if (options.json) return;
  const parts = [`${color.green('✔')} Done${answer.model_used ? color.dim(` (${answer.model_used})`) : ''}`];
  if (answer.explanation) parts.push(answer.explanation);
  if (answer.generated_code && answer.files_written.length === 0) parts.push(answer.generated_code);
  if (answer.files_written.length > 0) parts.push(`Files written: ${answer.files_written.join(', ')}`);
  parts.push(color.dim(`Thread ${answer.thread_id}: continue with ${again}`));
  process.stdout.write(`\n${parts.join('\n\n')}\n`);
}

/** Ctrl-C while the agent runs: cancel the run (the thread stays), then exit 130. Returns the function that unhooks. */
function onInterrupt(options: AgentOptions, threadId: string, progress: Progress): () => void {
  const cancel = async () => {
    progress.clear();
    process.stderr.write(`\nCancelling… the thread stays: continue with switchboard agent --thread ${threadId}\n`);
    await gatewayRequest(options, 'POST', `/v1/agents/threads/${encodeURIComponent(threadId)}/cancel`).catch(
      () => undefined,
    );
    process.exit(130);
  };
  const handler = () => void cancel();
  process.once('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}
