// One gateway process per data directory: an exclusive lock held while its SQLite stores are open, so that a second
// process on the same directory is refused at start rather than sharing counters, ticks and caches it cannot see.
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SetupError } from '../../errors.js';

/** The lock file, beside the database file. It stays when released: removing it would race with a process opening it. */
export const LOCK_FILE = 'switchboard.lock';

/** A held lock on a data directory. */
export interface InstanceLock {
  release(): void;
}

/**
 * Takes the data directory's lock, or throws a SetupError when another process (or another store of this one) holds
 * it. The lock is SQLite's own exclusive lock on a small file of its own (a transaction kept open, its journal in
 * memory): the OS drops it when the process ends, even by kill -9, so a crash never leaves a stale lock behind, and
 * the database file itself stays readable by other tools (`sqlite3`, backups) while the gateway runs.
 */
export function lockDataDir(dataDir: string): InstanceLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file);
  try {
    db.pragma('journal_mode = MEMORY');
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new SetupError(
        `another Switchboard process is using the data directory ${dataDir}: stop it first, or give this one ` +
          'another SWITCHBOARD_DATA_DIR (several processes share state through Redis: REDIS_URL)',
      );
    }
    throw err;
  }
  return {
    release() {
      if (!db.open) return;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
