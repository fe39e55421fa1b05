// SQLite records (the key vault's encrypted entries, hashed client keys): written at once, and a records.json left by
// the file store imported once, so an install that moves to SQLite keeps its vault and client keys.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { readRecordsFile, RECORDS_FILE } from '../memory/records.js';
import { createRecordListeners } from '../record-listeners.js';
import type { RecordStore } from '../types.js';
import { wipingDeletes, type SqliteDatabase } from './database.js';

/** The meta row that says records.json was imported (its value: when), so it is never imported twice. */
const IMPORTED_KEY = 'records_json_imported_at';

/**
 * A RecordStore on `db`. Every put and delete is its own committed statement before the call resolves (not batched:
 * a key added through the admin API must survive even a kill -9 right after). A delete wipes the row from the
 * file and the WAL (wipingDeletes), so a removed vault entry leaves no copy behind in the data directory.
 */
export function createSqliteRecordStore(db: SqliteDatabase): RecordStore {
  const put = db.prepare(
    `INSERT INTO records (collection, id, value) VALUES (?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET value = excluded.value`,
  );
  const get = db.prepare('SELECT value FROM records WHERE collection = ? AND id = ?').pluck();
  const list = db.prepare('SELECT id, value FROM records WHERE collection = ?');
  const remove = db.prepare('DELETE FROM records WHERE collection = ? AND id = ?');
  // The database is one process's: its listeners are this process's.
  const listeners = createRecordListeners();
  const putUnder = db.transaction(
    (collection: string, id: string, value: string, guard: { collection: string; id: string; value: string }) => {
      const current = get.get(guard.collection, guard.id) as string | undefined;
      if (current !== undefined && current !== guard.value) return current;
      if (current === undefined) put.run(guard.collection, guard.id, guard.value);
      put.run(collection, id, value);
      return guard.value;
    },
  );
  return {
    async put(collection, id, value) {
      put.run(collection, id, value);
      listeners.changed(collection);
    },
    async get(collection, id) {
      return get.get(collection, id) as string | undefined;
    },
    async list(collection) {
      return list.all(collection) as Array<{ id: string; value: string }>;
    },
    async delete(collection, id) {
      if (get.get(collection, id) === undefined) return false;
      wipingDeletes(db, () => remove.run(collection, id));
      listeners.changed(collection);
      return true;
    },
    async putGuarded(collection, id, value, guard) {
      const stored = putUnder(collection, id, value, guard);
      if (stored === guard.value) {
        listeners.changed(guard.collection);
        listeners.changed(collection);
      }
      return stored;
    },
    watch: listeners.watch,
  };
}

/**
 * Imports `dataDir`'s records.json (the records of the memory store's file) into `db`, once: only when the file
 * exists, the records table is empty and no import was recorded. The file is left in place (the memory store still
 * reads it with SWITCHBOARD_STORE=memory) and never read again by SQLite. Returns how many records were imported.
 * Throws, naming the file, when it is not a records file (as the file store does), so nothing is silently dropped.
 */
export function importRecordsFile(db: SqliteDatabase, dataDir: string, logger: Logger): number {
  const file = path.join(dataDir, RECORDS_FILE);
  if (!existsSync(file)) return 0;
  const imported = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(IMPORTED_KEY);
  const empty = db.prepare('SELECT 1 FROM records LIMIT 1').get() === undefined;
  if (imported !== undefined || !empty) return 0;
  const collections = readRecordsFile(file);
  const insert = db.prepare('INSERT INTO records (collection, id, value) VALUES (?, ?, ?)');
  let count = 0;
  db.transaction(() => {
    for (const [collection, records] of Object.entries(collections)) {
      for (const [id, value] of Object.entries(records)) {
        insert.run(collection, id, value);
        count += 1;
      }
    }
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(IMPORTED_KEY, new Date().toISOString());
  })();
  logger.info({ file, records: count }, 'imported the records file into the database; it is no longer read');
  return count;
}
