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
  const expiry = new AbortController();
  const timer = setTimeout(() => expiry.abort(), Math.max(0, startedAt + limitMs - now()));
  timer.unref();
  return {
    signal: AbortSignal.any([cancel, expiry.signal]),
    stop() {
      if (cancel.aborted) return { ...CANCELLED };
      const used = now() - startedAt;
      if (expiry.signal.aborted || used >= limitMs) return timeLimitFailure(limitMs, Math.max(limitMs, used));
      return null;
    },
    dispose: () => clearTimeout(timer),
  };
}
