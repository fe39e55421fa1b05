// The thread lifecycle statechart, tested as data: which calls each state allows, and where they lead.
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  isAllowed,
  lifecycleSnapshot,
  runLifecycleMachine,
  THREAD_STATUSES,
  type RunLifecycleEvent,
  type ThreadStatus,
} from '../../../graphs/code-agent/threads/run.machine.js';

const invoke: RunLifecycleEvent = { type: 'invoke' };
const resume = (toolCallId: string): RunLifecycleEvent => ({ type: 'resume', toolCallId });
const cancel: RunLifecycleEvent = { type: 'cancel' };

describe('which client calls each status allows', () => {
  const table: Record<ThreadStatus, { invoke: boolean; resume: boolean; cancel: boolean }> = {
    new: { invoke: true, resume: false, cancel: false },
    running: { invoke: false, resume: false, cancel: true },
    interrupted: { invoke: false, resume: true, cancel: true },
    completed: { invoke: true, resume: false, cancel: false },
    failed: { invoke: true, resume: false, cancel: false },
    cancelled: { invoke: true, resume: false, cancel: false },
  };
  it.each(THREAD_STATUSES)('%s', (status) => {
    const pending = status === 'interrupted' ? 'call_1' : null;
    expect({
      invoke: isAllowed(status, pending, invoke),
      resume: isAllowed(status, pending, resume('call_1')),
      cancel: isAllowed(status, pending, cancel),
    }).toEqual(table[status]);
  });

  it('lets a resume through only with the tool call id the thread waits on', () => {
    expect(isAllowed('interrupted', 'call_1', resume('call_2'))).toBe(false);
    expect(isAllowed('interrupted', null, resume('call_1'))).toBe(false);
  });
});

describe('transitions', () => {
  const next = (status: ThreadStatus, event: RunLifecycleEvent, pending: string | null = null) =>
    transition(runLifecycleMachine, lifecycleSnapshot(status, pending), event)[0];

  it('runs an invoke, then pauses on a question and remembers its tool call', () => {
    const paused = next('running', { type: 'run.interrupted', toolCallId: 'call_9' });
    expect(next('new', invoke).value).toBe('running');
    expect(paused.value).toBe('interrupted');
    expect(paused.context.pendingToolCallId).toBe('call_9');
  });

  it('resumes into running and forgets the answered call', () => {
    const resumed = next('interrupted', resume('call_9'), 'call_9');
    expect(resumed.value).toBe('running');
    expect(resumed.context.pendingToolCallId).toBeNull();
    expect(next('interrupted', resume('call_x'), 'call_9').value).toBe('interrupted');
  });

  it('ends a run completed, failed or cancelled, and each of those takes a new invoke', () => {
    for (const [event, status] of [
      ['run.completed', 'completed'],
      ['run.failed', 'failed'],
      ['run.cancelled', 'cancelled'],
    ] as const) {
      expect(next('running', { type: event }).value).toBe(status);
      expect(next(status, invoke).value).toBe('running');
    }
  });

  it('cancels a waiting thread at once; a running one stays running until its run ends', () => {
    expect(next('interrupted', cancel, 'call_1').value).toBe('cancelled');
    expect(next('running', cancel).value).toBe('running');
  });
});
