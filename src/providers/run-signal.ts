// What aborts a run and its upstream calls: the part of AbortSignal the gateway reads, and a cheap one to make per
// request. node builds each AbortSignal as an EventTarget and then swaps its prototype, which V8 makes slow (some
// microseconds a request, with a listener's add and remove); a real one is made only for what needs one.

/**
 * The part of an AbortSignal that a run's nodes, the key pool and the upstream client read. An AbortSignal is one
 * (the agent graph's runs and the tests pass theirs); a request's run gets a {@link RunAbort}.
 */
export interface RunSignal {
  readonly aborted: boolean;
  /** Why it aborted (an AbortError when the abort gave no reason); undefined until then. */
  readonly reason: unknown;
  /** Calls `listener` once, when it aborts (never if it has already). */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A RunSignal and its abort in one small object. It behaves as AbortController and its signal do for what RunSignal
 * has: the reason is set before the listeners run, they run once each in the order they came, a listener removed
 * meanwhile is skipped, and one that throws is reported as an uncaught exception without stopping the others.
 */
export class RunAbort implements RunSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined;

  /** Aborts once, with `reason` (as AbortController does, an AbortError when none is given). */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const listeners = this.listeners;
    if (listeners === undefined) return;
    // Taken from the front, so that a listener removed by an earlier one is no longer there to run.
    for (let listener = listeners.shift(); listener !== undefined; listener = listeners.shift()) {
      try {
        listener();
      } catch (err) {
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    if (this.listeners === undefined) this.listeners = [listener];
    else if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners!.splice(at, 1);
  }
}

/** The real AbortSignals made for RunSignals that are not one: one each, for as long as the RunSignal lives. */
const made = new WeakMap<RunSignal, AbortSignal>();

/**
 * `signal` as a real AbortSignal, for what needs one (AbortSignal.any, fetch, an SDK): `signal` itself when it is
 * one, else one made on first need that aborts with it, with its reason.
 */
export function toAbortSignal(signal: RunSignal): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  let real = made.get(signal);
  if (real === undefined) {
    const controller = new AbortController();
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    real = controller.signal;
    made.set(signal, real);
  }
  return real;
}
