// One task for the coding agent, start to end: invoke on the project folder, then answer each question or write it
// asks about (through `human`) and resume, until it completes, fails or the person gives no answer. No VS Code API.
import type { GatewayClient } from '../gateway/client.js';
import { GatewayError } from '../gateway/errors.js';
import type { ThreadFollow } from '../gateway/socket.js';
import type { AgentResponse } from '../gateway/types.js';

/** A write the agent asks to make (the arguments of its write_file call). */
export interface ProposedWrite {
  filepath: string;
  content: string;
}

/** The person: undefined when they gave no answer (the thread then keeps waiting). */
export interface AgentHuman {
  ask(question: string): Promise<string | undefined>;
  /** `yes`, or the reason to decline, which the model reads. */
  approve(write: ProposedWrite, projectDirectory: string): Promise<string | undefined>;
}

/**
 * Runs a thread to its end from `start` (an invoke, or an answer already waiting for the human). Before each
 * question, waits for the followed run's last event (so the panel shows what led to it first). Resolves to the last
 * answer: completed, error, or still requires_human_input when the person gave no answer.
 */
export async function driveAgent(
  client: GatewayClient,
  start: () => Promise<AgentResponse>,
  projectDirectory: string,
  human: AgentHuman,
  follow?: ThreadFollow,
): Promise<AgentResponse> {
  let answer = await start();
  while (answer.agent_status === 'requires_human_input' && answer.human_input_request !== null) {
    await follow?.settled(answer.run_id);
    const pending = answer.human_input_request;
    const write =
      pending.kind === 'approval' ? await proposedWrite(client, answer.thread_id, pending.tool_call_id) : undefined;
    const reply =
      write === undefined
        ? await human.ask(pending.question_for_human)
        : await human.approve(write, answer.request_params.project_directory ?? projectDirectory);
    if (reply === undefined) return answer;
    answer = await client.resume(answer.thread_id, pending.tool_call_id, reply);
  }
  await follow?.settled(answer.run_id);
  return answer;
}

/** The file and content of the write waiting for approval, from the thread's messages (the model's tool call). */
async function proposedWrite(
  client: GatewayClient,
  threadId: string,
  toolCallId: string,
): Promise<ProposedWrite | undefined> {
  const view = await client.thread(threadId);
  for (const message of view.messages)
    for (const call of message.role === 'assistant' ? (message.tool_calls ?? []) : [])
      if (call.id === toolCallId && call.function.name === 'write_file') {
        const args = parsed(call.function.arguments);
        if (typeof args.filepath === 'string' && typeof args.content === 'string')
          return { filepath: args.filepath, content: args.content };
      }
  return undefined;
}

function parsed(text: string): Partial<ProposedWrite> {
  try {
    return (JSON.parse(text) as Partial<ProposedWrite> | null) ?? {};
  } catch {
    return {};
  }
}

/** What to do when the gateway refuses the folder (a 400 with a workspace code), else undefined. */
export function workspaceAdvice(err: unknown, folder: string): string | undefined {
  if (!(err instanceof GatewayError)) return undefined;
  if (err.code === 'workspace_disabled' || err.code === 'workspace_not_allowed')
    return (
      `Switchboard: the gateway does not let the agent work in ${folder}. Allow it as a workspace root: ` +
      `\`switchboard init --workspace-root ${folder}\` (or SWITCHBOARD_WORKSPACE_ROOTS=${folder} in the gateway's ` +
      'environment, or agents.workspaceRoots in switchboard.yaml), restart the gateway, and run the agent again.'
    );
  if (err.code === 'workspace_not_found')
    return `Switchboard: the gateway cannot see ${folder}: the agent works on folders of the machine the gateway runs on.`;
  return undefined;
}
