// Projects the request graph's execution into run events, from xstate's inspection stream, so nodes stay pure.
import type { InspectionEvent } from 'xstate';
import type { RunEmitter } from '../../src/events/publisher.js';
import type { ChatContext } from './context.js';

const NODES = new Set(['classify', 'secondOpinion', 'cache', 'route', 'call', 'judge', 'fuse']);
const INITIAL_STATE = 'classify';

/**
 * An `inspect` callback for one run's actor that emits node_started / node_finished (with duration), route_decided
 * and attempt_failed as the machine moves between states. The runner attaches it only when someone listens to the
 * event bus: an unwatched run pays nothing for events (measured in docs/BENCHMARKS.md).
 */
export function createGraphEventProjector(
  emitter: RunEmitter,
  now: () => number,
  threshold: number,
): (event: InspectionEvent) => void {
  let current = INITIAL_STATE;
  let enteredAt = now();
  let root: unknown;
  emitter.emit('node_started', INITIAL_STATE);
  return (event) => {
    if (event.type === '@xstate.actor' && root === undefined) root = event.actorRef;
    if (event.type !== '@xstate.microstep' || event.actorRef !== root) return;
    const snapshot = event.snapshot as unknown as { value: string; context: ChatContext };
    const next = snapshot.value;
    const { context } = snapshot;
    leave(current, next, context);
    current = next;
    enteredAt = now();
    if (NODES.has(next)) emitter.emit('node_started', next);
  };

  function leave(state: string, next: string, context: ChatContext): void {
    if (state === 'route' && context.plan) {
      const { plan, classification } = context;
      emitter.emit('route_decided', 'route', () => ({
        mode: plan.mode,
        task: classification?.task,
        // The top of the plan: reasons are built lazily, and a hundred models' would cost more than the run.
        plan: plan.candidates.slice(0, 10).map((c) => ({ model: c.model.ref, score: c.score, reasons: c.reasons })),
        candidates: plan.candidates.length,
        skipped: plan.skipped,
      }));
    }
    if (NODES.has(state)) {
      const duration = now() - enteredAt;
      emitter.emit('node_finished', state, () => ({ duration_ms: duration }));
    }
    const attempt = context.attempts.at(-1);
    if (state === 'call' && next === 'failedAttempt' && attempt?.error) {
      const { error } = attempt;
      emitter.emit('attempt_failed', 'call', () => ({
        model: attempt.ref,
        kind: attempt.kind ?? 'internal',
        message: error.message,
      }));
    }
    if (state === 'judge' && next !== 'done' && attempt?.verdict && attempt.verdict.score < threshold) {
      const { verdict } = attempt;
      emitter.emit('attempt_failed', 'judge', () => ({ model: attempt.ref, rejected: true, ...verdict }));
    }
  }
}
