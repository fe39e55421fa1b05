// Records without Redis: in memory, and written to one JSON file in the data directory (mode 0600) when one is
// given, so that keys added at run time survive a restart. Each write replaces the file atomically (write + rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRecordListeners } from '../record-listeners.js';
import type { RecordStore } from '../types.js';

/** Collection name → record id → value (null-prototype objects). */
export type Collections = Record<string, Record<string, string>>;

/** The file the records live in, under the data directory. */
export const RECORDS_FILE = 'records.json';

/**
 * A RecordStore for one process. With `dataDir`, the records are read from its records.json at start and every
 * change is written back before the call resolves; the file is only created on the first write.
 */
export function createMemoryRecordStore(dataDir?: string): RecordStore {
  const file = dataDir === undefined ? undefined : path.join(dataDir, RECORDS_FILE);
  const collections: Collections = file === undefined ? Object.create(null) : readRecordsFile(file);
  const save = () => {
    if (file !== undefined) writeRecords(file, collections);
  };
  const listeners = createRecordListeners();
  // Null-prototype objects: ids like `constructor` or `__proto__` are plain ids, not Object's properties.
  const set = (collection: string, id: string, value: string) => {
    (collections[collection] ??= Object.create(null))[id] = value;
  };
  return {
    async put(collection, id, value) {
      set(collection, id, value);
      save();
      listeners.changed(collection);
    },
    async get(collection, id) {
      return collections[collection]?.[id];
    },
    async list(collection) {
      return Object.entries(collections[collection] ?? {}).map(([id, value]) => ({ id, value }));
    },
    async delete(collection, id) {
      const records = collections[collection];
      if (records?.[id] === undefined) return false;
      delete records[id];
      save();
      listeners.changed(collection);
      return true;
    },
    async putGuarded(collection, id, value, guard) {
      const current = collections[guard.collection]?.[guard.id];
      if (current !== undefined && current !== guard.value) return current;
      if (current === undefined) set(guard.collection, guard.id, guard.value);
      set(collection, id, value);
      save();
      if (current === undefined) listeners.changed(guard.collection);
      listeners.changed(collection);
      return guard.value;
    },
    watch: listeners.watch,
  };
}

/**
 * The collections of a records file (empty when it does not exist); throws, naming the file, when it is not one.
 * Also read by the SQLite store, which imports it once.
 */
export function readRecordsFile(file: string): Collections {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null);
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not a records file: ${(err as Error).message}`);
  }
  if (!isRecordOf(parsed, (records) => isRecordOf(records, (value) => typeof value === 'string')))
    throw new Error(`${file} is not a records file`);
  const collections: Collections = Object.create(null);
  for (const [name, records] of Object.entries(parsed)) collections[name] = Object.assign(Object.create(null), records);
  return collections;
}

/** A plain JSON object whose every value passes `check`. */
function isRecordOf(value: unknown, check: (item: unknown) => boolean): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(check);
}

function writeRecords(file: string, collections: Collections): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(collections), { mode: 0o600 });
  renameSync(temporary, file);
}
