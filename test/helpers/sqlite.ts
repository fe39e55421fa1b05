// SQLite databases for tests: each in a temp directory of its own, removed when the database is closed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../../src/storage/sqlite/database.js';
import { createWriteBatcher, type WriteBatcher } from '../../src/storage/sqlite/write-batcher.js';

/** A logger that writes nothing. */
export const silent = pino({ level: 'silent' });

/** A new, empty temp directory, and the path of the database file in it. */
export function tempDataDir(label: string): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sb-sqlite-${label}-`));
  return { dir, file: path.join(dir, DATABASE_FILE), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An opened database with its write batcher. */
export interface TestDatabase {
  db: SqliteDatabase;
  batcher: WriteBatcher;
  file: string;
  /** Flushes the batcher and closes the database (the files stay). */
  close(): void;
}

/** Opens (or reopens) the database at `file`, with a batcher whose tick is long: tests flush by reading or closing. */
export function openTestDatabase(file: string): TestDatabase {
  const db = openDatabase(file);
  const batcher = createWriteBatcher(db, { logger: silent, intervalMs: 60_000 });
  return {
    db,
    batcher,
    file,
    close() {
      if (!db.open) return;
      batcher.close();
      db.close();
    },
  };
}

/**
 * A store built by `build` on a fresh database in a temp directory; its `close` flushes and closes the database and
 * removes the directory (for the contract suites, which close each store after its test).
 */
export function onFreshDatabase<T extends object>(
  label: string,
  build: (db: SqliteDatabase, batcher: WriteBatcher) => T,
): T & { close(): Promise<void> } {
  const temp = tempDataDir(label);
  const opened = openTestDatabase(temp.file);
  let store: T;
  try {
    store = build(opened.db, opened.batcher);
  } catch (err) {
    // A store that refuses its options (a contract case) leaves nothing behind either.
    opened.close();
    temp.remove();
    throw err;
  }
  const closeStore = (store as { close?: () => Promise<void> }).close?.bind(store);
  return Object.assign(store, {
    async close() {
      await closeStore?.();
      opened.close();
      temp.remove();
    },
  });
}

/**
 * Inside a `describe`: temp data directories (`temp`) and other steps (`defer`, a database's close, say), undone in
 * reverse order after each test.
 */
export function cleanedPerTest(defaultLabel = 'test'): {
  temp(label?: string): ReturnType<typeof tempDataDir>;
  defer(step: () => void): void;
} {
  const steps: Array<() => void> = [];
  afterEach(() => {
    for (const step of steps.splice(0).reverse()) step();
  });
  return {
    temp(label = defaultLabel) {
      const dir = tempDataDir(label);
      steps.push(dir.remove);
      return dir;
    },
    defer(step) {
      steps.push(step);
    },
  };
}
