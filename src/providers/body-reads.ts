// An upstream body's reads as an async iterator, from the stream's own events (issue 20). Node's iterator for a
// Readable is an async generator set up with a finished() watch per body: for a stream of one or two reads that set-up
// was most of what reading cost, on every streamed answer. Hand-written because no library gives a lighter iterator
// over a node stream with the same ends: the reads in order, the stream's error thrown, a stream closed before its end
// an error, backpressure kept, and the stream destroyed when the reader lets go.
import type { Readable } from 'node:stream';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** What Readable's iterator throws for a stream closed before its end without an error of its own. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * The reads of `body`, as `body[Symbol.asyncIterator]()` gives them: what the stream emitted since the last read, as
 * one (node's iterator reads all the stream holds at once: an upstream's chunked answer is many small pieces of one
 * socket read, and a reader handed each alone pays a step for each), done at the end, the stream's error thrown (a
 * close before the end is an error too), and the stream destroyed by `return()` (a reader that lets go early) and
 * after its end. What comes while nobody asks is held; past the stream's high-water mark the stream is paused until
 * it is taken, so the socket under it holds the rest, as with node's iterator. Read one `next()` at a time, as
 * `for await` does.
 */
export class BodyReads implements AsyncIterator<Uint8Array> {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** A waiting read is to be handed what is held once the stream's emits of this turn are all in (a microtask). */
  private handing = false;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private waiting: { resolve: (next: IteratorResult<Uint8Array>) => void; reject: (err: unknown) => void } | undefined;

  constructor(private readonly body: Readable) {
    // Heard from the start to the end, whatever comes: an error the stream has yet to emit is never left unhandled.
    body.on('error', this.onError);
    if (body.readableEnded) {
      this.ended = true;
      return;
    }
    if (body.errored !== null || body.destroyed) {
      this.failure = { error: body.errored ?? prematureClose() };
      return;
    }
    body.on('data', this.onData);
    body.once('end', this.onEnd);
    body.once('close', this.onClose);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.held.length > 0) return Promise.resolve({ done: false, value: this.take() });
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Let go before the end: the stream is destroyed (an upstream body's connection closed), as node's iterator does. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.held = [];
    this.waiting = undefined;
    this.ended = true;
    this.settle();
    return Promise.resolve(DONE);
  }

  /** What is held, as one read; the stream goes on if it was paused for it. */
  private take(): Uint8Array {
    const { held } = this;
    const value = held.length === 1 ? held[0]! : Buffer.concat(held);
    this.held = [];
    this.heldBytes = 0;
    if (!this.ended && this.body.isPaused()) this.body.resume();
    return value;
  }

  private readonly onData = (chunk: Uint8Array): void => {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.waiting !== undefined) {
      if (!this.handing) {
        this.handing = true;
        queueMicrotask(this.hand);
      }
    } else if (this.heldBytes >= this.body.readableHighWaterMark) this.body.pause();
  };

  private readonly hand = (): void => {
    this.handing = false;
    const { waiting } = this;
    if (waiting === undefined || this.held.length === 0) return;
    this.waiting = undefined;
    waiting.resolve({ done: false, value: this.take() });
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.settle();
    // A read being handed goes first; the end is the next one's.
    if (this.handing) return;
    const { waiting } = this;
    this.waiting = undefined;
    waiting?.resolve(DONE);
  };

  private readonly onError = (error: unknown): void => this.fail(error);

  private readonly onClose = (): void => {
    if (!this.ended) this.fail(prematureClose());
  };

  private fail(error: unknown): void {
    if (this.failure !== undefined || this.ended) return;
    this.failure = { error };
    this.settle();
    if (this.handing) return;
    const { waiting } = this;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  /**
   * Done with the stream: its listeners off, and the stream destroyed (nothing when it is already). The error listener
   * stays, as node's iterator leaves its own: destroying an unfinished body makes it emit an error (undici's
   * `RequestAbortedError`), which nobody must hear unhandled; `fail` ignores it once the reads are over.
   */
  private settle(): void {
    const { body } = this;
    body.off('data', this.onData);
    body.off('end', this.onEnd);
    body.off('close', this.onClose);
    if (!body.destroyed) body.destroy();
  }
}
