// The clock of one run: it stops the run on a client's cancel or when the run's time limit is up.
import { CANCELLED, timeLimitFailure } from '../limits.js';
import type { AgentFailure } from '../state.js';

/** How one run decides to stop early: a client's cancel, or its time limit. */
export interface RunClock {
  /** Aborted on a cancel or when the time is up: the in-flight model call stops with it. */
  signal: AbortSignal;
  /** Why the run must stop now (cancelled, time_limit), or null; the nodes ask before each model call and tool call. */
  stop(): AgentFailure | null;
  /** Clears the timer; call when the run ends. */
  dispose(): void;
}

/** A clock for a run that started at `startedAt` and may last `limitMs`, cancelled by `cancel`. */
export function startRunClock(
  cancel: AbortSignal,
  limitMs: number,
  startedAt: number,
  now: () => number = Date.now,
): RunClock {
  // One controller aborted by the cancel or the timer, its listener on `cancel` removed at dispose: Node 20 keeps an
  // AbortSignal.any signal that has a listener alive until it aborts, which a run that ends in time never does.
  const stopped = new AbortController();
  let expired = false;
  const onCancel = () => stopped.abort(cancel.reason);
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  const timer = setTimeout(
    () => {
      expired = true;
      stopped.abort();
    },
    Math.max(0, startedAt + limitMs - now()),
  );
  timer.unref();
  return {
    signal: stopped.signal,
    stop() {
      if (cancel.aborted) return { ...CANCELLED };
      const used = now() - startedAt;
      if (expired || used >= limitMs) return timeLimitFailure(limitMs, Math.max(limitMs, used));
      return null;
    },
    dispose() {
      clearTimeout(timer);
      cancel.removeEventListener('abort', onCancel);
    },
  };
}
