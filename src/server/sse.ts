// Writes a chat stream to the client as server-sent events, with backpressure, and OpenAI's in-stream error event.
import type { Response } from 'express';
import { toErrorResponse } from '../errors.js';
import type { ChatCompletionChunk } from '../providers/types.js';
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
 * Sends each chunk as it comes, then `data: [DONE]`. When the upstream fails mid-stream, sends an OpenAI error
 * event (`data: {"error": ...}`, which the official SDKs raise as an APIError) and ends the stream without [DONE];
 * the same, with code `server_shutting_down`, when the gateway's stop ends it. Stops quietly when the client has gone.
 */
export async function sendChatStream(
  res: Response,
  chunks: AsyncGenerator<ChatCompletionChunk>,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, SSE_HEADERS);
  try {
    for await (const chunk of chunks) {
      if (signal.aborted) break;
      if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(res);
    }
    if (!signal.aborted) res.write('data: [DONE]\n\n');
  } catch (err) {
    if (!signal.aborted) res.write(`data: ${JSON.stringify(streamErrorBody(err))}\n\n`);
  } finally {
    // Ended by the gateway's stop: the client is told why (it may send the request again) before the proper end.
    if (isStopAbort(signal)) res.write(`data: ${JSON.stringify(toErrorResponse(signal.reason).body)}\n\n`);
    res.end();
  }
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
