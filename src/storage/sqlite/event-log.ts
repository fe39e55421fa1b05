// SQLite event log: runs' events kept in the database (bounded per run, retention after a run ends, replayable after a
// restart), written behind in the batch, and delivered live to this process's followers as they are appended.
//
// append() decides at once what the memory log decides (a repeated seq is ignored, run_started on a used id starts the
// run over), from a bounded map of the runs appended to lately (a run not in it is looked up once); then it queues the
// change and delivers the event. read() flushes the batch first, so a log reads its own appends and follow-then-read
// misses nothing. Retention: a lazy sweep on read and follow, plus an unref'd interval, as in memory.
import type { Logger } from 'pino';
import { endsRun, type RunEvent } from '../../events/types.js';
import { createEventFollowers } from '../event-followers.js';
import type { EventLog, EventLogOptions } from '../types.js';
import type { SqliteDatabase } from './database.js';
import { prepareEventRows, type EventOp, type StoredRun } from './event-rows.js';
import type { WriteBatcher } from './write-batcher.js';

/** Options of the SQLite event log; everything past EventLogOptions and logger has a default. */
export interface SqliteEventLogOptions extends EventLogOptions {
  /** Where failures are reported (append never throws). */
  logger: Logger;
  /** The clock retention is measured with (tests inject one). Default Date.now. */
  now?: () => number;
  /** Runs kept at most, finished or not; past it the runs that started first go. Default 10,000. */
  maxRuns?: number;
  /** Period of the unref'd sweep of expired runs while the log is idle; 0 = sweep lazily only. */
  sweepIntervalMs?: number;
}

const DEFAULT_MAX_RUNS = 10_000;

/** Creates the event log on `db`; its writes go out with `batcher`. */
export function createSqliteEventLog(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  options: SqliteEventLogOptions,
): EventLog {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const maxEvents = Math.max(1, options.maxEventsPerRun);
  const rows = prepareEventRows(db);
  const followers = createEventFollowers();
  /** Runs appended to lately, the latest started last; trimmed to maxRuns after each write. */
  const runs = new Map<string, StoredRun>();
  let changes: EventOp[] = [];
  /** Runs holding more than maxEvents once this batch is written. */
  const over = new Set<string>();
  let failing = 0;
  let closed = false;

  batcher.add({
    write() {
      for (const change of changes) rows.apply(change);
      for (const runId of over) {
        const count = runs.get(runId)?.count ?? 0;
        if (count > maxEvents) rows.trim(runId, count - maxEvents);
      }
    },
    written() {
      changes = [];
      for (const runId of over) {
        const run = runs.get(runId);
        if (run !== undefined) run.count = Math.min(run.count, maxEvents);
      }
      over.clear();
      while (runs.size > maxRuns) runs.delete(runs.keys().next().value!);
    },
  });

  /** The run as queued or stored (expired or not), looked up in the database when not in `runs`. */
  function known(runId: string): StoredRun | undefined {
    let run = runs.get(runId);
    if (run === undefined) {
      run = rows.run(runId);
      if (run !== undefined) runs.set(runId, run);
    }
    return run;
  }

  /** Starts the event's run; `replaces`: rows of an earlier run with its id exist (or are queued) and must go. */
  function start(event: RunEvent, replaces: boolean): StoredRun {
    const run: StoredRun = { lastSeq: 0, threadId: event.thread_id, count: 0 };
    runs.delete(event.run_id);
    runs.set(event.run_id, run);
    changes.push({ op: 'start', runId: event.run_id, threadId: event.thread_id, replaces });
    return run;
  }

  function store(event: RunEvent): boolean {
    const json = JSON.stringify(event);
    const at = now();
    let run = known(event.run_id);
    // An expired run is gone (the sweep may not have deleted it yet): its id starts a new run.
    if (run === undefined || (run.expiresAt !== undefined && run.expiresAt <= at)) {
      run = start(event, run !== undefined);
    } else if (event.seq <= run.lastSeq) {
      // A run id used again (a client chose it twice) starts over; any other repeat is a duplicate.
      if (event.type !== 'run_started') return false;
      run = start(event, true);
    }
    if (run.threadId === undefined && event.thread_id !== undefined) {
      run.threadId = event.thread_id;
      changes.push({ op: 'thread', runId: event.run_id, threadId: event.thread_id });
    }
    changes.push({ op: 'event', runId: event.run_id, seq: event.seq, json });
    run.lastSeq = event.seq;
    run.count += 1;
    if (run.count > maxEvents) over.add(event.run_id);
    if (endsRun(event.type)) {
      run.expiresAt = at + options.retentionMs;
      changes.push({ op: 'end', runId: event.run_id, expiresAt: run.expiresAt });
    }
    batcher.schedule();
    return true;
  }

  function sweep(): void {
    batcher.flush();
    for (const runId of rows.sweep(now(), maxRuns)) runs.delete(runId);
  }

  function parse(texts: string[]): RunEvent[] {
    const events: RunEvent[] = [];
    for (const text of texts) {
      try {
        events.push(JSON.parse(text) as RunEvent);
      } catch {
        logger.warn('event log: skipped a stored event that is not JSON');
      }
    }
    return events;
  }

  const sweepTimer =
    options.sweepIntervalMs === 0
      ? undefined
      : setInterval(
          () => {
            try {
              sweep();
            } catch (err) {
              logger.warn({ err }, 'event log: sweeping expired runs failed');
            }
          },
          options.sweepIntervalMs ?? Math.min(Math.max(options.retentionMs, 1_000), 60_000),
        );
  sweepTimer?.unref();

  return {
    append(event) {
      if (closed) return;
      try {
        if (!store(event)) return;
        failing = 0;
      } catch (err) {
        failing += 1;
        if (failing === 1) logger.error({ err, run_id: event.run_id, seq: event.seq }, 'event log: append failed');
        return;
      }
      followers.deliver(event);
    },

    async read(filter, afterSeq = 0) {
      sweep();
      if (filter.runId !== undefined) return parse(rows.events(filter.runId, afterSeq));
      const ids = rows.threadRuns(filter.threadId);
      return ids.flatMap((id, i) => parse(rows.events(id, i === ids.length - 1 ? afterSeq : 0)));
    },

    async follow(filter, listener) {
      sweep();
      return followers.follow(filter, listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      followers.clear();
      batcher.flush();
    },
  };
}
