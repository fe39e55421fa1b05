// A stream opened on its first read, with no generator step per value: the adapter's request is sent at that read.
import { nextReady, type ReadyIterator } from '../ready-values.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * What `(async function* () { yield* await open(); })()` gives, without the generator's own step for every value (a
 * stream's chunks each pass through several layers): `open` is called on the first `next()`, whose promise it settles,
 * and every later call goes straight to the iterator it gave. When `open` fails, the first `next()` rejects and the
 * stream is over; `return()` before the first read opens nothing. Once open, `nextReady` is the iterator's own.
 */
export function openedLater<T>(open: () => Promise<AsyncIterator<T>>): AsyncIterableIterator<T> & ReadyIterator<T> {
  let source: AsyncIterator<T> | undefined;
  let opening: Promise<AsyncIterator<T>> | undefined;
  let over = false;
  const opened = () =>
    (opening ??= open().then(
      (it) => (source = it),
      (err: unknown) => {
        over = true;
        throw err;
      },
    ));
  const stream: AsyncIterableIterator<T> & ReadyIterator<T> = {
    [Symbol.asyncIterator]: () => stream,
    nextReady: () => (source === undefined ? undefined : nextReady(source)),
    next() {
      if (source !== undefined) return source.next();
      if (over) return Promise.resolve(DONE);
      return opened().then((it) => it.next());
    },
    return() {
      if (source !== undefined) return source.return?.() ?? Promise.resolve(DONE);
      if (opening === undefined) over = true;
      if (over) return Promise.resolve(DONE);
      return opening!.then(
        (it) => it.return?.() ?? DONE,
        () => DONE,
      );
    },
  };
  return stream;
}
