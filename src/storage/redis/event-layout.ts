// How run events are laid out in Redis: key and channel names, stream entry ids, and the entry encoding.
import { EVENT_TYPES, type RunEvent } from '../../events/types.js';

/** The stream field that holds an event's JSON (one field per entry). */
export const EVENT_FIELD = 'e';

/** Key and channel names under one prefix (default `switchboard:`). */
export interface EventKeys {
  /** Stream of one run's events; entry id `<seq>-0`. */
  run(runId: string): string;
  /** Sorted set of a thread's run ids, scored by the ts of each run's first event. */
  thread(threadId: string): string;
  /** Pub/sub channel carrying each event of one run as it is appended. */
  runChannel(runId: string): string;
  /** Pub/sub channel carrying each event of every run of one thread. */
  threadChannel(threadId: string): string;
}

/** The names used under `prefix`; see the module header of event-log.ts for what each holds. */
export function eventKeys(prefix: string): EventKeys {
  return {
    run: (runId) => `${prefix}events:run:${runId}`,
    thread: (threadId) => `${prefix}events:thread:${threadId}`,
    runChannel: (runId) => `${prefix}events:live:run:${runId}`,
    threadChannel: (threadId) => `${prefix}events:live:thread:${threadId}`,
  };
}

/** The stream entry id of an event: its seq, so Redis keeps a run's entries in seq order and ranges are by seq. */
export function entryId(seq: number): string {
  return `${seq}-0`;
}

/** The XRANGE start that yields the events with `seq > afterSeq` (`-` for all). */
export function rangeStart(afterSeq: number | undefined): string {
  if (afterSeq === undefined || !Number.isFinite(afterSeq) || afterSeq < 1) return '-';
  return entryId(Math.floor(afterSeq) + 1);
}

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** Parses a stored or published event; undefined for anything that is not one (never throws). */
export function decodeEvent(raw: string): RunEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<Record<keyof RunEvent, unknown>>;
  const ok =
    typeof candidate.run_id === 'string' &&
    typeof candidate.seq === 'number' &&
    typeof candidate.type === 'string' &&
    TYPES.has(candidate.type) &&
    typeof candidate.ts === 'number' &&
    typeof candidate.data === 'object' &&
    candidate.data !== null;
  return ok ? (value as RunEvent) : undefined;
}

/** The events of XRANGE entries, in order; entries that do not decode are skipped and counted. */
export function decodeEntries(entries: [id: string, fields: string[]][]): { events: RunEvent[]; invalid: number } {
  const events: RunEvent[] = [];
  let invalid = 0;
  for (const [, fields] of entries) {
    const raw = fields[0] === EVENT_FIELD ? fields[1] : undefined;
    const event = raw === undefined ? undefined : decodeEvent(raw);
    if (event === undefined) invalid += 1;
    else events.push(event);
  }
  return { events, invalid };
}
