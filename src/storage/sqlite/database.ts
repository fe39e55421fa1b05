// The one SQLite database of an instance: opened private (0600), in WAL mode, its schema brought up to date on open.
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, runMigrations, type Migration } from './migrations.js';

/** The handle every SQLite store of an instance shares (better-sqlite3 is synchronous: one connection is enough). */
export type SqliteDatabase = Database.Database;

/** The database file, under the data directory. */
export const DATABASE_FILE = 'switchboard.db';

/** How long a statement waits for another process's write lock before failing (SQLITE_BUSY). */
const BUSY_TIMEOUT_MS = 5_000;
/** The WAL file is truncated back to this size after a checkpoint, so a burst of writes does not keep it large. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface OpenDatabaseOptions {
  /** The schema steps to run (tests); default the stores' MIGRATIONS. */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating it and its directory when missing) the database at `file` and runs the migrations it lacks.
 * WAL with synchronous=NORMAL: a commit costs no fsync, and a crash of the process (even kill -9) loses nothing
 * committed; only a power loss or OS crash may lose the last commits. secure_delete=FAST zeroes deleted rows where
 * that costs no extra I/O (records.ts asks for a full wipe when it deletes a vault entry). Auto-vacuum is incremental:
 * the tick gives free pages back in small steps (vacuum.ts).
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Created private before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file);
  try {
    // Before WAL: a new database takes the mode as it is created.
    enableIncrementalVacuum(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('secure_delete = FAST');
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    runMigrations(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw new Error(`cannot open the database ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** PRAGMA auto_vacuum's value for INCREMENTAL. */
const INCREMENTAL = 2;

/**
 * Puts `db` in incremental auto-vacuum mode, so that the file can give back the room of deleted rows (vacuum.ts). A
 * new database takes it as it is created; one made before (schema 2 and older) is rebuilt once with VACUUM, which takes
 * a moment in proportion to its size.
 */
function enableIncrementalVacuum(db: SqliteDatabase): void {
  if (db.pragma('auto_vacuum', { simple: true }) === INCREMENTAL) return;
  db.pragma('auto_vacuum = INCREMENTAL');
  const empty = db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get() === 0;
  if (!empty) db.exec('VACUUM');
}

/**
 * Runs `write` with secure_delete fully on, then checkpoints and truncates the WAL: what it deletes is gone from
 * the database file and from the WAL (where older copies of the page would otherwise stay until overwritten).
 */
export function wipingDeletes<T>(db: SqliteDatabase, write: () => T): T {
  db.pragma('secure_delete = ON');
  try {
    return write();
  } finally {
    db.pragma('secure_delete = FAST');
    truncateWal(db);
  }
}

/** How long truncateWal waits for the checkpoint worker's own checkpoint to end (a copy of a second of writes). */
const TRUNCATE_WAIT_MS = 2_000;

/**
 * Copies the whole WAL into the database file and truncates it to nothing. A checkpoint of the worker
 * (wal-checkpointer.ts) in progress makes SQLite answer busy at once: wait for it, a few ms at a time (synchronously:
 * this is a rare admin write, and its caller expects the WAL clean when it returns).
 */
function truncateWal(db: SqliteDatabase): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + TRUNCATE_WAIT_MS; ; ) {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (result?.busy !== 1 || Date.now() > deadline) return;
    Atomics.wait(pause, 0, 0, 5);
  }
}
