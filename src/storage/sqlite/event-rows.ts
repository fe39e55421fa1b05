// The SQL of the SQLite event log: runs (start order, thread, expiry) and their events as JSON, by (run, seq).
import type { SqliteDatabase } from './database.js';

/** One change of the log, applied in append order by the batch. */
export type EventOp =
  /** A run starts; when `replaces`, its id was used before (stored, or expired) and those rows go first. */
  | { op: 'start'; runId: string; threadId: string | undefined; replaces: boolean }
  /** A run's first event with a thread id came after its start. */
  | { op: 'thread'; runId: string; threadId: string }
  | { op: 'event'; runId: string; seq: number; json: string }
  /** run_finished / run_failed: the run goes at `expiresAt`. */
  | { op: 'end'; runId: string; expiresAt: number };

/** What the log must know of a stored run to append to it. */
export interface StoredRun {
  lastSeq: number;
  threadId: string | undefined;
  /** Events stored. */
  count: number;
  /** When it goes (set once it ended). */
  expiresAt?: number;
}

/** The prepared statements of the event log on one database. */
export interface EventRows {
  /** A run as stored (expired or not), or undefined when its id has no rows. */
  run(runId: string): StoredRun | undefined;
  apply(change: EventOp): void;
  /** Deletes the `drop` oldest events of a run. */
  trim(runId: string, drop: number): void;
  /** The JSON of a run's events with seq > afterSeq, in seq order. */
  events(runId: string, afterSeq: number): string[];
  /** A thread's run ids, in start order. */
  threadRuns(threadId: string): string[];
  /** Deletes the runs expired at `now` and, past `maxRuns`, those that started first; returns their ids. */
  sweep(now: number, maxRuns: number): string[];
}

/** Prepares the statements (the tables are created by migration 1). */
export function prepareEventRows(db: SqliteDatabase): EventRows {
  const findRun = db.prepare(
    `SELECT thread_id, expires_at, (SELECT MAX(seq) FROM events e WHERE e.run_id = r.run_id) AS last_seq,
     (SELECT COUNT(*) FROM events e WHERE e.run_id = r.run_id) AS count FROM event_runs r WHERE run_id = ?`,
  );
  const deleteEvents = db.prepare('DELETE FROM events WHERE run_id = ?');
  const deleteRun = db.prepare('DELETE FROM event_runs WHERE run_id = ?');
  const insertRun = db.prepare('INSERT INTO event_runs (run_id, thread_id) VALUES (?, ?)');
  const setThread = db.prepare('UPDATE event_runs SET thread_id = ? WHERE run_id = ? AND thread_id IS NULL');
  const insertEvent = db.prepare('INSERT OR IGNORE INTO events (run_id, seq, event) VALUES (?, ?, ?)');
  const setExpiry = db.prepare('UPDATE event_runs SET expires_at = ? WHERE run_id = ?');
  const trim = db.prepare(
    'DELETE FROM events WHERE run_id = ? AND seq <= (SELECT seq FROM events WHERE run_id = ? ORDER BY seq LIMIT 1 OFFSET ?)',
  );
  const events = db.prepare('SELECT event FROM events WHERE run_id = ? AND seq > ? ORDER BY seq').pluck();
  const threadRuns = db.prepare('SELECT run_id FROM event_runs WHERE thread_id = ? ORDER BY id').pluck();
  const expired = db.prepare('SELECT run_id FROM event_runs WHERE expires_at <= ?').pluck();
  // Run ids only grow (a run started over gets a new one): the runs at or below max - maxRuns started first.
  const excess = db.prepare('SELECT run_id FROM event_runs WHERE id <= (SELECT MAX(id) FROM event_runs) - ?').pluck();
  const drop = db.transaction((runIds: string[]) => {
    for (const runId of runIds) {
      deleteEvents.run(runId);
      deleteRun.run(runId);
    }
  });

  return {
    run(runId) {
      const row = findRun.get(runId) as
        | { thread_id: string | null; expires_at: number | null; last_seq: number | null; count: number }
        | undefined;
      if (row === undefined) return undefined;
      const run: StoredRun = { lastSeq: row.last_seq ?? 0, threadId: row.thread_id ?? undefined, count: row.count };
      if (row.expires_at !== null) run.expiresAt = row.expires_at;
      return run;
    },
    apply(change) {
      switch (change.op) {
        case 'start':
          if (change.replaces) {
            deleteEvents.run(change.runId);
            deleteRun.run(change.runId);
          }
          insertRun.run(change.runId, change.threadId ?? null);
          return;
        case 'thread':
          setThread.run(change.threadId, change.runId);
          return;
        case 'event':
          insertEvent.run(change.runId, change.seq, change.json);
          return;
        case 'end':
          setExpiry.run(change.expiresAt, change.runId);
      }
    },
    trim: (runId, count) => void trim.run(runId, runId, count - 1),
    events: (runId, afterSeq) => events.all(runId, afterSeq) as string[],
    threadRuns: (threadId) => threadRuns.all(threadId) as string[],
    sweep(now, maxRuns) {
      const gone = [...(expired.all(now) as string[]), ...(excess.all(maxRuns) as string[])];
      if (gone.length > 0) drop(gone);
      return gone;
    },
  };
}
