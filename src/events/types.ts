// The run event shape every graph emits (DESIGN.md "Run ids and events").
import type { EventPayloads } from './payloads.js';

export type { EventPayloads } from './payloads.js';

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

/** What every event has, whatever its type. */
interface EventBase {
  run_id: string;
  thread_id?: string;
  /** Grows by one per event within a run, from 1. */
  seq: number;
  /** Milliseconds since the epoch. */
  ts: number;
  node?: string;
  /** The id of the client key the run was made with (when auth is on): who may follow it besides admins. */
  client?: string;
}

/** An event of one type, with that type's data. */
interface RunEventOf<T extends EventType> extends EventBase {
  type: T;
  data: EventPayloads[T];
}

/** One step of a run: a union keyed by `type`, so that checking `type` narrows `data`. */
export type RunEvent = { [T in EventType]: RunEventOf<T> }[EventType];

/** The data of any event. */
export type EventData = EventPayloads[EventType];

/** Receives every event published; sinks are the event log and live subscribers. */
export type EventSink = (event: RunEvent) => void;
