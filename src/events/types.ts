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
  'catalog_changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The thread of the catalog's events (`catalog_changed`): each is a run of one event under it. No client can name
 * it (client run and thread ids are letters, digits and `._:-`), so no run of a client's joins it.
 */
export const CATALOG_THREAD_ID = '#catalog';

/** Whether an event ends its run: the event log keeps an ended run for its retention time, then drops it. */
export function endsRun(type: EventType): boolean {
  return type === 'run_finished' || type === 'run_failed' || type === 'catalog_changed';
}

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
