// The run event shape every graph emits (DESIGN.md "Run ids and events").

export const EVENT_TYPES = [
  'run_started',
  'node_started',
  'node_finished',
  'route_decided',
  'attempt_failed',
  'token',
  'tool_call',
  'tool_result',
  'interrupt',
  'run_finished',
  'run_failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One step of a run; `seq` grows by one per event within a run. */
export interface RunEvent {
  run_id: string;
  thread_id?: string;
  seq: number;
  type: EventType;
  /** Milliseconds since the epoch. */
  ts: number;
  node?: string;
  /** The id of the client key the run was made with (when auth is on): who may follow it besides admins. */
  client?: string;
  data: Record<string, unknown>;
}

/** Receives every event published; sinks are the event log and live subscribers. */
export type EventSink = (event: RunEvent) => void;
