// Reads a server-sent-events body into events, using eventsource-parser (spec-compliant framing, \r\n and \r included).
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseEvent = EventSourceMessage;

/**
 * Yields each SSE event of `body` as it completes. Bytes are decoded as a stream, so a UTF-8 character
 * split across chunks is kept whole. A last event with no terminating blank line is flushed at the end,
 * as real providers sometimes end that way.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncIterable<SseEvent> {
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    while (ready.length > 0) yield ready.shift()!;
  }
  parser.feed(`${decoder.decode()}\n\n`);
  while (ready.length > 0) yield ready.shift()!;
}
