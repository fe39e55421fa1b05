// Helpers of the event log contract: the backend harness, event builders, bounded polling.
import { randomUUID } from 'node:crypto';
import type { EventType, RunEvent } from '../../src/events/types.js';
import type { EventLog, EventLogOptions } from '../../src/storage/types.js';
import { opaqueEvent, type OpaqueEvent } from '../helpers/events.js';

/** What the contract needs from a backend. */
export interface EventLogBackend {
  /** Opens a log. Logs opened with `shared` backends see one store (two gateway instances on one Redis). */
  open(options: EventLogOptions): Promise<EventLog>;
  /** Whether two opened logs share their events (Redis) or each has its own (memory). */
  shared: boolean;
  /** Events above maxEventsPerRun the cap may keep: Redis trims approximately (MAXLEN ~), by whole macro-nodes. */
  capSlack: number;
  /** Lets `ms` pass for retention: advance an injected clock, or nothing when the backend runs on real time. */
  elapse(ms: number): Promise<void>;
}

/** An id no other test uses (the Redis tests share one server). */
export function uniqueId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** An event of run `runId`; `ts` grows with seq from `base`, so runs built with a later base start later. */
export function event(
  runId: string,
  seq: number,
  type: EventType = 'token',
  extra: Partial<OpaqueEvent> & { base?: number } = {},
): RunEvent {
  const { base = 1_700_000_000_000, ...rest } = extra;
  return opaqueEvent({ run_id: runId, seq, type, ts: base + seq, data: { n: seq, text: `e${seq}` }, ...rest });
}

/** A whole run: run_started, `tokens` tokens, then run_finished (seq 1..tokens + 2). */
export function run(runId: string, tokens: number, extra: Partial<OpaqueEvent> & { base?: number } = {}): RunEvent[] {
  const events = [event(runId, 1, 'run_started', extra)];
  for (let i = 0; i < tokens; i += 1) events.push(event(runId, i + 2, 'token', extra));
  events.push(event(runId, tokens + 2, 'run_finished', extra));
  return events;
}

/** [from, from + 1, ..., to]. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** Collects what a follower receives. */
export function collector(): { events: RunEvent[]; listener: (event: RunEvent) => void; seqs(): number[] } {
  const events: RunEvent[] = [];
  return { events, listener: (e) => events.push(e), seqs: () => events.map((e) => e.seq) };
}

/** Polls `check` every 10 ms until it holds; fails after `timeoutMs` with `what`. Bounded polling, not a sleep. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
