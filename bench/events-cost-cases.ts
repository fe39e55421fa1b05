// What the events-cost harness (events-cost.ts) and its child processes (events-cost-child.ts) share: the cases, the
// emitter of the `off` case, and the IPC messages between them.
import type { RunEmitter } from '../src/events/publisher.js';

export const COST_CASES = ['off', 'unrecorded', 'sink', 'memory', 'redis'] as const;
export type CostCase = (typeof COST_CASES)[number];

/** Events off entirely: an emitter that does nothing at all (not even count). */
export function offEmitter(runId: string): RunEmitter {
  return { runId, threadId: undefined, active: false, emit() {} };
}

/** Harness → child. */
export type CostCommand =
  /** Runs `runs` runs, settling every `settleEvery`, then starts the log over (Redis: FLUSHALL). */
  | { id: number; type: 'warmup'; runs: number; settleEvery: number }
  /**
   * Runs one timed block: `runs` runs with ids `<prefix><i>`, waiting every `settleEvery` runs and at the end until the
   * log has answered every append.
   */
  | { id: number; type: 'block'; runs: number; prefix: string; settleEvery: number }
  | { id: number; type: 'reset' }
  /** Reads back the last run's events, closes the log, and exits. */
  | { id: number; type: 'finish' };

/** Child → harness. */
export type CostReply =
  | { type: 'ready' }
  | { id: number; type: 'done' }
  | { id: number; type: 'block'; cpuUs: number }
  | { id: number; type: 'finished'; eventsPerRun: number; logProblems: number }
  | { id: number; type: 'failed'; message: string };
