// Writes Anthropic stream events to the client as server-sent events (`event: <type>` and `data: <json>`), with
// backpressure, and Anthropic's in-stream `error` event when the run fails after the stream began.
import type { Response } from 'express';
import type { RunSignal } from '../../providers/run-signal.js';
import { drained, SSE_HEADERS, sseWriter } from '../sse.js';
import type { AnthropicEvent } from './events.js';
import { toAnthropicError } from './errors.js';

/**
 * Sends `events`. The first is awaited before the response head: a run that fails before answering throws, and the
 * door's error handler answers it with an HTTP error as Anthropic does. A failure after that is an `error` event
 * (which the SDKs raise as an APIError), then the end of the stream. Stops quietly when the client has gone.
 */
export async function sendAnthropicStream(
  res: Response,
  events: AsyncGenerator<AnthropicEvent>,
  signal: RunSignal,
  requestId: string,
): Promise<void> {
  const first = await events.next();
  res.writeHead(200, SSE_HEADERS);
  const out = sseWriter(res);
  try {
    for (let step = first; !step.done; step = await events.next()) {
      if (signal.aborted) {
        await events.return(undefined); // ends the upstream call too
        break;
      }
      if (!out.write(frame(step.value))) await drained(res);
    }
  } catch (err) {
    if (!signal.aborted) out.write(frame(errorEvent(err, requestId)));
  } finally {
    out.end();
  }
}

function frame(event: AnthropicEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function errorEvent(err: unknown, requestId: string): AnthropicEvent {
  const { body } = toAnthropicError(err, requestId);
  const detail = err instanceof Error ? err.message : 'unknown error';
  // An upstream that broke off is the gateway's failure to the client: api_error, unless the error says better.
  const type = body.error.type === 'invalid_request_error' ? 'api_error' : body.error.type;
  return { ...body, error: { type, message: `The upstream model failed mid-stream: ${detail}` } };
}
