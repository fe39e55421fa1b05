// Reads a server-sent-events body into events, using eventsource-parser (spec-compliant framing, \r\n and \r included).
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Utf8Reads } from './utf8-reads.js';

export type SseEvent = EventSourceMessage;

/**
 * Yields the SSE events of `body` as they complete, all those of one read of the body together (a stream's reader then
 * takes them in a plain loop: one await per read, not one per event), an empty array for a read that completed none
 * (so that a reader can count reads, keep-alive comments included). Bytes are decoded as a stream, so a UTF-8
 * character split across reads is kept whole (Utf8Reads, as TextDecoder decodes). A last event with no terminating
 * blank line is flushed at the end, as real providers sometimes end that way. Each array yielded is the reader's
 * until it asks for the next.
 */
export async function* readSseBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent[]> {
  let ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  const decoder = new Utf8Reads();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes));
    const batch = ready;
    ready = [];
    yield batch;
  }
  parser.feed(`${decoder.end()}\n\n`);
  if (ready.length > 0) yield ready;
}

/** Yields each SSE event of `body` as it completes (readSseBatches, one event at a time). */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncIterable<SseEvent> {
  for await (const batch of readSseBatches(body)) yield* batch;
}
