// The lifecycle of an agent thread as a statechart: which calls (invoke, resume, cancel) are legal in which state.
import { assign, setup } from 'xstate';

/** Where a thread stands. `new`: no checkpoint yet; the rest as the API reports them. */
export const THREAD_STATUSES = ['new', 'running', 'interrupted', 'completed', 'failed', 'cancelled'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];

/** What a thread knows besides its status: the tool call a resume must answer. */
export interface RunLifecycleContext {
  /** The id of the tool call the thread waits on (status `interrupted`), else null. */
  pendingToolCallId: string | null;
}

/** Calls from clients, and how runs end. */
export type RunLifecycleEvent =
  | { type: 'invoke' }
  | { type: 'resume'; toolCallId: string }
  | { type: 'cancel' }
  | { type: 'run.interrupted'; toolCallId: string }
  | { type: 'run.completed' }
  | { type: 'run.failed' }
  | { type: 'run.cancelled' };

/**
 * The thread lifecycle. A client may invoke a thread that is new or whose last run ended (completed, failed,
 * cancelled); resume only an interrupted thread, with the tool call id it waits on; cancel a running or interrupted
 * one. A running thread takes no invoke or resume: one run at a time. The service rebuilds a snapshot from the
 * checkpoint (`resolveState`) and asks `snapshot.can(event)`, so every instance decides the same way.
 */
export const runLifecycleMachine = setup({
  types: {} as { context: RunLifecycleContext; events: RunLifecycleEvent },
  actions: {
    rememberToolCall: assign(({ event }) => ({
      pendingToolCallId: event.type === 'run.interrupted' ? event.toolCallId : null,
    })),
    forgetToolCall: assign({ pendingToolCallId: null }),
    /** Marker for the service: abort the run in flight (the run then ends with run.cancelled). */
    requestCancel: () => undefined,
  },
  guards: {
    answersPendingCall: ({ context, event }) =>
      event.type === 'resume' && event.toolCallId === context.pendingToolCallId,
  },
}).createMachine({
  id: 'agentRun',
  context: { pendingToolCallId: null },
  initial: 'new',
  states: {
    new: { on: { invoke: 'running' } },
    running: {
      on: {
        'run.interrupted': { target: 'interrupted', actions: 'rememberToolCall' },
        'run.completed': 'completed',
        'run.failed': 'failed',
        'run.cancelled': 'cancelled',
        cancel: { actions: 'requestCancel' },
      },
    },
    interrupted: {
      on: {
        resume: { guard: 'answersPendingCall', target: 'running', actions: 'forgetToolCall' },
        cancel: { target: 'cancelled', actions: 'forgetToolCall' },
      },
    },
    completed: { on: { invoke: 'running' } },
    failed: { on: { invoke: 'running' } },
    cancelled: { on: { invoke: 'running' } },
  },
});

/** The machine's snapshot for a thread in `status` (waiting on `pendingToolCallId` when interrupted). */
export function lifecycleSnapshot(status: ThreadStatus, pendingToolCallId: string | null = null) {
  return runLifecycleMachine.resolveState({ value: status, context: { pendingToolCallId } });
}

/** Whether `event` is legal for a thread in `status`. */
export function isAllowed(status: ThreadStatus, pendingToolCallId: string | null, event: RunLifecycleEvent): boolean {
  return lifecycleSnapshot(status, pendingToolCallId).can(event);
}
