// The SQL of the SQLite checkpointer: checkpoints, channel values once per version, pending writes, and each thread's
// last write.
import type Database from 'better-sqlite3';
import type { StoredCheckpoint } from '../checkpoint-tuple.js';
import type { SqliteDatabase } from './database.js';

/** One checkpoint list() may yield. */
export interface CheckpointKey {
  thread_id: string;
  ns: string;
  id: string;
}

/** What list() asks for; each field left undefined does not narrow. */
interface CheckpointQuery {
  threadId: string | undefined;
  ns: string | undefined;
  /** Only this checkpoint id. */
  only: string | undefined;
  /** Only ids below this one. */
  before: string | undefined;
  /** At most this many (only when no metadata filter runs after the query). */
  limit: number | undefined;
}

/** A pending write ready to store. */
interface WriteRow {
  taskId: string;
  idx: number;
  record: Buffer;
}

/** Prepares the statements of the checkpointer on `db` (the tables are created by migration 1). */
export function prepareCheckpointRows(db: SqliteDatabase) {
  const putCheckpoint = db.prepare(
    `INSERT INTO checkpoints (thread_id, ns, id, record) VALUES (?, ?, ?, ?)
     ON CONFLICT (thread_id, ns, id) DO UPDATE SET record = excluded.record`,
  );
  const putBlob = db.prepare(
    `INSERT INTO checkpoint_blobs (thread_id, ns, channel, version, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (thread_id, ns, channel, version) DO UPDATE SET value = excluded.value`,
  );
  const insertWrite =
    'INSERT INTO checkpoint_writes (thread_id, ns, checkpoint_id, task_id, idx, record) VALUES (?, ?, ?, ?, ?, ?)';
  const keepWrite = db.prepare(`${insertWrite} ON CONFLICT DO NOTHING`);
  const replaceWrite = db.prepare(`${insertWrite} ON CONFLICT DO UPDATE SET record = excluded.record`);
  const touch = db.prepare(
    `INSERT INTO checkpoint_threads (thread_id, written_at) VALUES (?, ?)
     ON CONFLICT (thread_id) DO UPDATE SET written_at = excluded.written_at`,
  );
  const latest = db.prepare(
    'SELECT id, record FROM checkpoints WHERE thread_id = ? AND ns = ? ORDER BY id DESC LIMIT 1',
  );
  const byId = db.prepare('SELECT id, record FROM checkpoints WHERE thread_id = ? AND ns = ? AND id = ?');
  const writes = db
    .prepare('SELECT record FROM checkpoint_writes WHERE thread_id = ? AND ns = ? AND checkpoint_id = ?')
    .pluck();
  const blob = db
    .prepare('SELECT value FROM checkpoint_blobs WHERE thread_id = ? AND ns = ? AND channel = ? AND version = ?')
    .pluck();
  const expired = db.prepare('SELECT thread_id FROM checkpoint_threads WHERE written_at <= ?').pluck();
  const deletes = ['checkpoints', 'checkpoint_blobs', 'checkpoint_writes', 'checkpoint_threads'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE thread_id = ?`),
  );
  const deleteThreads = db.transaction((threadIds: string[]) => {
    for (const threadId of threadIds) for (const statement of deletes) statement.run(threadId);
  });
  /** list() statements by the conditions they have (at most 32 shapes). */
  const lists = new Map<string, Database.Statement<Array<string | number>>>();

  return {
    /** Stores a checkpoint and the channel values it made, in one transaction. */
    put: db.transaction(
      (
        threadId: string,
        ns: string,
        id: string,
        record: Buffer,
        blobs: Array<[string, string, Buffer]>,
        at: number,
      ) => {
        putCheckpoint.run(threadId, ns, id, record);
        for (const [channel, version, value] of blobs) putBlob.run(threadId, ns, channel, version, value);
        touch.run(threadId, at);
      },
    ),
    /** Stores a task's writes: the first of a (task, idx) stays, except at a negative idx (special channels). */
    putWrites: db.transaction((threadId: string, ns: string, checkpointId: string, rows: WriteRow[], at: number) => {
      for (const { taskId, idx, record } of rows)
        (idx >= 0 ? keepWrite : replaceWrite).run(threadId, ns, checkpointId, taskId, idx, record);
      touch.run(threadId, at);
    }),
    /** The checkpoint `id` of a namespace, or its latest when id is ''; with its pending writes. */
    fetch(threadId: string, ns: string, id: string): StoredCheckpoint | undefined {
      const row = (id === '' ? latest.get(threadId, ns) : byId.get(threadId, ns, id)) as
        | { id: string; record: Buffer }
        | undefined;
      if (row === undefined) return undefined;
      return { id: row.id, record: row.record, writes: writes.all(threadId, ns, row.id) as Buffer[] };
    },
    writesOf: (threadId: string, ns: string, checkpointId: string) =>
      writes.all(threadId, ns, checkpointId) as Buffer[],
    blob: (threadId: string, ns: string, channel: string, version: string) =>
      (blob.get(threadId, ns, channel, version) as Buffer | undefined) ?? null,
    /** The checkpoints matching `query`, newest (highest id) first. */
    keys(query: CheckpointQuery): CheckpointKey[] {
      const conditions: string[] = [];
      const params: Array<string | number> = [];
      const add = (condition: string, value: string | number | undefined) => {
        if (value === undefined) return;
        conditions.push(condition);
        params.push(value);
      };
      add('thread_id = ?', query.threadId);
      add('ns = ?', query.ns);
      add('id = ?', query.only);
      add('id < ?', query.before);
      const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
      const limit = query.limit === undefined ? '' : ' LIMIT ?';
      if (query.limit !== undefined) params.push(query.limit);
      const sql = `SELECT thread_id, ns, id FROM checkpoints${where} ORDER BY id DESC, thread_id DESC, ns DESC${limit}`;
      let statement = lists.get(sql);
      if (statement === undefined) lists.set(sql, (statement = db.prepare<Array<string | number>>(sql)));
      return statement.all(...params) as CheckpointKey[];
    },
    deleteThreads,
    /** The threads whose last write was at or before `cutoff`. */
    expired: (cutoff: number) => expired.all(cutoff) as string[],
  };
}

/** The prepared statements of one checkpointer. */
export type CheckpointRows = ReturnType<typeof prepareCheckpointRows>;
