// Writes a chat stream to the client as server-sent events, with backpressure, and OpenAI's in-stream error event.
import type { Response } from 'express';
import { toErrorResponse } from '../errors.js';
import { nextReady } from '../providers/ready-values.js';
import type { RunSignal } from '../providers/run-signal.js';
import { WIRE, type ChatCompletionChunk } from '../providers/types.js';
import { isStopAbort } from './shutdown.js';

/** The head of every event stream the gateway sends. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // Tells nginx-style proxies in front of the gateway not to buffer the stream.
  'x-accel-buffering': 'no',
};

/**
 * Sends each chunk as it comes, then `data: [DONE]`: a chunk's wire text when it has one (the upstream's own text, see
 * `WIRE`), its JSON otherwise. When the upstream fails mid-stream, sends an OpenAI error event (`data: {"error":
 * ...}`, which the official SDKs raise as an APIError) and ends the stream without [DONE]; the same, with code
 * `server_shutting_down`, when the gateway's stop ends it. Stops quietly when the client has gone. Reads the chunks as
 * `for await` would, taking those already in hand without a promise step (nextReady).
 */
export async function sendChatStream(
  res: Response,
  chunks: AsyncGenerator<ChatCompletionChunk>,
  signal: RunSignal,
): Promise<void> {
  res.writeHead(200, SSE_HEADERS);
  const out = sseWriter(res);
  try {
    for (let next = nextReady(chunks) ?? (await chunks.next()); !next.done; ) {
      if (signal.aborted) {
        await chunks.return(undefined);
        break;
      }
      const chunk = next.value;
      if (!out.write(`data: ${chunk[WIRE] ?? JSON.stringify(chunk)}\n\n`)) await drained(res);
      next = nextReady(chunks) ?? (await chunks.next());
    }
    if (!signal.aborted) out.write('data: [DONE]\n\n');
  } catch (err) {
    // A failure of our own (a chunk that would not serialise) leaves the chunks unread: they are let go, as `for await`
    // would, so the upstream's body is not held until its idle timeout. A failed `next()` has ended them already.
    void chunks.return(undefined).catch(() => undefined);
    if (!signal.aborted) out.write(`data: ${JSON.stringify(streamErrorBody(err))}\n\n`);
  } finally {
    // Ended by the gateway's stop: the client is told why (it may send the request again) before the proper end.
    if (isStopAbort(signal)) out.write(`data: ${JSON.stringify(toErrorResponse(signal.reason).body)}\n\n`);
    out.end();
  }
}

/** Writes a stream's events to a response; `write` says whether it can take more now (false: await `drained`). */
export interface SseWriter {
  write(text: string): boolean;
  /** Sends what is held, and ends the response. */
  end(): void;
}

/**
 * The writer of every event stream the gateway sends. The first event goes out at once, with the response head; the
 * events after it are held until the current turn of the event loop has run (process.nextTick) and sent as one write:
 * the events made from one read of the upstream go out together, in one chunk of the response, not one each.
 */
export function sseWriter(res: Response): SseWriter {
  let first = true;
  let held = '';
  const flush = () => {
    if (held === '') return;
    const text = held;
    held = '';
    if (!res.writableEnded) res.write(text);
  };
  return {
    write(text) {
      if (first) {
        first = false;
        const more = res.write(text);
        // Node holds a response's writes until the end of the tick (it corks the socket); the relay's next chunks are
        // made within the same tick when the upstream sent them together, so without this the first would wait for all.
        res.uncork();
        return more;
      }
      if (held === '') process.nextTick(flush);
      held += text;
      return !res.writableNeedDrain;
    },
    end() {
      const text = held;
      held = '';
      if (text === '') res.end();
      else res.end(text);
    },
  };
}

/** Resolves when `res` can take more (or has closed): the backpressure of every stream the gateway writes. */
export function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function streamErrorBody(err: unknown) {
  const detail = err instanceof Error ? err.message : 'unknown error';
  return {
    error: {
      message: `The upstream model failed mid-stream: ${detail}`,
      type: 'server_error',
      param: null,
      code: 'upstream_stream_error',
    },
  };
}
