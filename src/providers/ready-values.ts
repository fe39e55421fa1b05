// Values an async iterator already holds, handed out without a promise step (issue 20): a stream's chunks of one read
// of the upstream pass the reader, the call's accounting, the relay and the request log, and a promise per layer
// per chunk was a large part of relaying them. Hand-written: the language has no synchronous peek into an iterator.

/**
 * An async iterator that may also give its next result at once, when it holds it: `nextReady()` returns what
 * `next()` would settle with, or undefined when that needs a wait (or a failure is to come: it is left for `next()`,
 * so `nextReady` never throws). A reader calls either, one at a time, as `for await` calls `next()`.
 */
export interface ReadyIterator<T> extends AsyncIterator<T> {
  nextReady(): IteratorResult<T> | undefined;
}

/** The next result of `values` when it is in hand (see ReadyIterator), undefined when `next()` must be awaited. */
export function nextReady<T>(values: AsyncIterator<T>): IteratorResult<T> | undefined {
  return (values as Partial<ReadyIterator<T>>).nextReady?.();
}
