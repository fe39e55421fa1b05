// The SQLite database of the stores: opened private and in WAL mode, its schema migrated forward once (user_version),
// and the write batcher that writes the per-request stores one transaction per tick.
import { statSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../src/storage/sqlite/database.js';
import { MIGRATIONS, type Migration } from '../../../src/storage/sqlite/migrations.js';
import { createWriteBatcher } from '../../../src/storage/sqlite/write-batcher.js';
import { eventually } from '../../contract/event-log.helpers.js';
import { silent, cleanedPerTest } from '../../helpers/sqlite.js';

const { temp: tempDir, defer } = cleanedPerTest();

function open(file: string, migrations?: readonly Migration[]): SqliteDatabase {
  const db = openDatabase(file, migrations === undefined ? {} : { migrations });
  defer(() => db.open && db.close());
  return db;
}
function temp(): string {
  const dir = tempDir('database');
  return dir.file;
}
const version = (db: SqliteDatabase) => db.pragma('user_version', { simple: true });

describe('openDatabase', () => {
  it('creates a private database file in WAL mode with synchronous=NORMAL, at the schema version of MIGRATIONS', () => {
    const db = open(temp());
    expect(statSync(db.name).mode & 0o777).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(version(db)).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'kv',
        'records',
        'locks',
        'windows',
        'stats',
        'usage',
        'event_runs',
        'events',
        'checkpoints',
      ]),
    );
  });

  it('runs each missing step once, in order; a second open is a no-op; a later release adds only its new steps', () => {
    const file = temp();
    const ran: string[] = [];
    const steps: Migration[] = [
      'CREATE TABLE a (x)',
      (db) => void ran.push(`fn at ${String(version(db))}`),
      'CREATE TABLE b (y)',
    ];
    const first = open(file, steps.slice(0, 2));
    expect([version(first), ran]).toEqual([2, ['fn at 1']]);
    first.close();
    const second = open(file, steps.slice(0, 2));
    expect([version(second), ran]).toEqual([2, ['fn at 1']]);
    second.close();
    const third = open(file, steps);
    expect([version(third), ran]).toEqual([3, ['fn at 1']]);
    expect(third.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual([
      'a',
      'b',
    ]);
  });

  it('applies a step whole or not at all, and refuses a database of a newer schema', () => {
    const file = temp();
    const failing: Migration[] = ['CREATE TABLE a (x)', 'CREATE TABLE b (y); INSERT INTO nowhere VALUES (1)'];
    expect(() => open(file, failing)).toThrow(`cannot open the database ${file}`);
    const db = open(file, failing.slice(0, 1));
    expect(version(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
    expect(() => open(file, [])).toThrow(/schema is version 1, newer than this Switchboard's \(0\)/);
  });
});

describe('createWriteBatcher', () => {
  const table = (db: SqliteDatabase) => db.prepare('SELECT v FROM t ORDER BY v').pluck().all();

  it('writes what its sources hold in one transaction within the tick, then lets them forget it', async () => {
    const db = open(temp(), ['CREATE TABLE t (v)']);
    const batcher = createWriteBatcher(db, { logger: silent, intervalMs: 20 });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let pending: number[] = [];
    let transactions = 0;
    batcher.add({ write: () => void (transactions += db.inTransaction ? 1 : 0), written: () => {} });
    batcher.add({ write: () => pending.forEach((v) => insert.run(v)), written: () => void (pending = []) });
    pending.push(1, 2);
    batcher.schedule();
    batcher.schedule();
    expect(table(db)).toEqual([]);
    await eventually('the tick wrote the rows', () => table(db).length === 2);
    expect([table(db), pending, transactions]).toEqual([[1, 2], [], 1]);
    pending.push(3);
    batcher.close(); // flushes at once
    expect(table(db)).toEqual([1, 2, 3]);
  });

  it('keeps what a failed transaction held, logs the outage once, and writes it on a later tick', async () => {
    const db = open(temp(), ['CREATE TABLE t (v)']);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const batcher = createWriteBatcher(db, { logger, intervalMs: 10 });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let pending = [1];
    let failures = 2;
    batcher.add({
      write() {
        pending.forEach((v) => insert.run(v));
        if (failures > 0) {
          failures -= 1;
          throw new Error('disk full');
        }
      },
      written: () => void (pending = []),
    });
    batcher.flush();
    expect([table(db), pending]).toEqual([[], [1]]); // rolled back, kept
    await eventually('a later tick wrote it', () => table(db).length === 1);
    expect(pending).toEqual([]);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      'sqlite: a batch of writes failed; keeping it and retrying every tick',
      'sqlite: batched writes succeed again',
    ]);
  });
});
