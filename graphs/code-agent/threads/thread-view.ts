// Reads a thread from its checkpoint: its lifecycle status, pending question and failure, and the API's shapes of it.
import { AIMessage } from '@langchain/core/messages';
import type { StateSnapshot } from '@langchain/langgraph';
import type { ChatMessage } from '../../../src/providers/types.js';
import { contentText, toChatMessages } from '../llm-messages.js';
import type { AgentInterrupt } from '../nodes/tools.js';
import type { AgentFailure, AgentRequestParams, CodeAgentValues } from '../state.js';
import { splitAnswer } from './answer.js';
import type { ThreadStatus } from './run.machine.js';

/** A thread as its checkpoint tells it. */
export interface ThreadState {
  status: ThreadStatus;
  /** What the thread waits for (status `interrupted`). */
  pending: AgentInterrupt | null;
  /** Why its latest run failed or was cancelled. */
  failure: AgentFailure | null;
  values: CodeAgentValues;
  /** When its latest checkpoint was written (ISO 8601); null for a new thread. */
  updatedAt: string | null;
}

/** The question a paused thread shows the human, as the API names it. */
interface HumanInputRequestBody {
  tool_call_id: string;
  question_for_human: string;
  /** `question` (the model asked) or `approval` (a call in require_approval waits for a yes). */
  kind: 'question' | 'approval';
}

/** What invoke and resume answer. */
export interface AgentResponse {
  thread_id: string;
  /** This run's id: its events are on the bus (and /v1/ws) under it, with the thread id. */
  run_id: string;
  agent_status: 'completed' | 'requires_human_input' | 'error';
  generated_code: string | null;
  explanation: string | null;
  human_input_request: HumanInputRequestBody | null;
  request_params: AgentRequestParams;
  model_used: string | null;
  error_details: AgentFailure | null;
  files_written: string[];
}

/** What GET /v1/agents/threads/{id} answers. */
export interface ThreadView {
  thread_id: string;
  status: ThreadStatus;
  messages: ChatMessage[];
  files_written: string[];
  human_input_request: HumanInputRequestBody | null;
  request_params: AgentRequestParams;
  model_used: string | null;
  error_details: AgentFailure | null;
  updated_at: string | null;
}

const INCOMPLETE: AgentFailure = {
  code: 'run_incomplete',
  message:
    'The run stopped before it finished (the gateway instance running it went away). Invoke the thread again to continue.',
};

/** Errors whose messages are written for clients; any other error's message stays in the gateway's log. */
const CLIENT_SAFE_ERRORS = new Set(['GatewayError', 'AgentModelError']);

/** The failure of a node that threw, as LangGraph stored it (`{ name, message }`). */
function failureOf(thrown: { name?: unknown; message?: unknown }): AgentFailure {
  const safe =
    typeof thrown.name === 'string' && CLIENT_SAFE_ERRORS.has(thrown.name) && typeof thrown.message === 'string';
  return {
    code: 'internal_error',
    message: safe
      ? `The run failed: ${String(thrown.message)}`
      : 'The run failed on an unexpected error (details are in the gateway log).',
  };
}

/**
 * The thread's status from its checkpoint: no checkpoint → new; running here (the caller knows) → running; a pending
 * interrupt → interrupted; a node that threw → failed; the state's error → failed or cancelled; steps still to run →
 * failed (run_incomplete); else completed.
 */
export function readThread(snapshot: StateSnapshot, runningHere: boolean): ThreadState {
  const values = (snapshot.values ?? {}) as CodeAgentValues;
  const base = { values, pending: null, failure: null, updatedAt: snapshot.createdAt ?? null };
  if (snapshot.createdAt === undefined) return { ...base, status: 'new' };
  if (runningHere) return { ...base, status: 'running' };
  const pending = snapshot.tasks.flatMap((task) => task.interrupts).map((found) => found.value as AgentInterrupt)[0];
  if (pending !== undefined) return { ...base, status: 'interrupted', pending };
  const thrown = snapshot.tasks.find((task) => task.error !== undefined)?.error as
    | { name?: unknown; message?: unknown }
    | undefined;
  if (thrown !== undefined) return { ...base, status: 'failed', failure: failureOf(thrown) };
  if (values.error)
    return { ...base, status: values.error.code === 'cancelled' ? 'cancelled' : 'failed', failure: values.error };
  if (snapshot.next.length > 0) return { ...base, status: 'failed', failure: INCOMPLETE };
  return { ...base, status: 'completed' };
}

/** The pending question in the API's shape. */
function humanInputRequest(pending: AgentInterrupt | null): HumanInputRequestBody | null {
  if (pending === null) return null;
  return {
    tool_call_id: pending.tool_call_id ?? '',
    question_for_human: pending.question,
    kind: pending.kind ?? 'question',
  };
}

/** The invoke / resume answer for a thread whose run just ended. */
export function toResponse(threadId: string, runId: string, thread: ThreadState): AgentResponse {
  const { values, status } = thread;
  const final = status === 'completed' ? values.messages.at(-1) : undefined;
  const answer =
    final !== undefined && AIMessage.isInstance(final) ? splitAnswer(contentText(final.content)) : undefined;
  return {
    thread_id: threadId,
    run_id: runId,
    agent_status: status === 'interrupted' ? 'requires_human_input' : status === 'completed' ? 'completed' : 'error',
    generated_code: answer?.generated_code ?? null,
    explanation: answer?.explanation ?? null,
    human_input_request: humanInputRequest(thread.pending),
    request_params: values.request,
    model_used: values.model_used ?? null,
    error_details: thread.failure,
    files_written: values.files_written ?? [],
  };
}

/** The thread in GET's shape: status, the conversation in OpenAI's message shape, files, pending question. */
export function toThreadView(threadId: string, thread: ThreadState): ThreadView {
  const { values } = thread;
  return {
    thread_id: threadId,
    status: thread.status,
    messages: toChatMessages(values.messages ?? []),
    files_written: values.files_written ?? [],
    human_input_request: humanInputRequest(thread.pending),
    request_params: values.request,
    model_used: values.model_used ?? null,
    error_details: thread.failure,
    updated_at: thread.updatedAt,
  };
}
