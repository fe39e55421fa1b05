// Events for tests of what keeps and carries events without reading their data: the event logs, replay, /v1/ws.
import type { EventType, RunEvent } from '../../src/events/types.js';

/** An event with any data. */
export interface OpaqueEvent {
  run_id: string;
  thread_id?: string;
  seq: number;
  type: EventType;
  ts: number;
  node?: string;
  client?: string;
  data: Record<string, unknown>;
}

/**
 * `event` as a RunEvent, its data not checked against its type: the event logs and the WebSocket carry data as
 * opaque JSON, so their tests may use any.
 */
export function opaqueEvent(event: OpaqueEvent): RunEvent {
  return event as RunEvent;
}
