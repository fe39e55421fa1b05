// The 409s of the agent API: each says what the thread is doing or waiting for, and what the client can do instead.
import { GatewayError } from '../../../src/errors.js';
import type { RunLifecycleEvent } from './run.machine.js';
import type { ThreadState } from './thread-view.js';

function conflict(message: string, code: string, param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 409, type: 'invalid_request_error', code, param });
}

/** The 409 for a call the lifecycle machine refused, in the thread's words. */
export function refusal(
  threadId: string,
  thread: Pick<ThreadState, 'status' | 'pending'>,
  event: RunLifecycleEvent,
): GatewayError {
  const id = JSON.stringify(threadId);
  const { status, pending } = thread;
  if (status === 'running') {
    return conflict(
      `Thread ${id} is running; one run at a time. Wait for it to finish (GET /v1/agents/threads/${threadId}).`,
      'thread_running',
    );
  }
  if (status === 'interrupted' && pending !== null) {
    const waiting = `tool call ${JSON.stringify(pending.tool_call_id)} (${pending.kind === 'approval' ? 'an approval' : 'a question'}: ${JSON.stringify(pending.question)})`;
    if (event.type === 'resume') {
      return conflict(
        `Thread ${id} is waiting for the answer to ${waiting}, not to tool call ${JSON.stringify(event.toolCallId)}.`,
        'tool_call_mismatch',
        'tool_call_id',
      );
    }
    return conflict(
      `Thread ${id} is waiting for the answer to ${waiting}. Answer it with POST /v1/agents/resume, or cancel the thread.`,
      'thread_waiting_for_input',
    );
  }
  if (event.type === 'resume') {
    return conflict(
      `Thread ${id} is not waiting for input: it is ${status}. Continue it with POST /v1/agents/code/invoke.`,
      'thread_not_waiting',
    );
  }
  return conflict(`Thread ${id} is ${status}: there is nothing to cancel.`, 'thread_not_active');
}
