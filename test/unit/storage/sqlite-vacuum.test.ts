// The SQLite file gives back the room of deleted rows: databases are in incremental auto-vacuum mode (new ones as they
// are made, older ones rebuilt once), and the tick's vacuum step frees pages at most once per interval.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/storage/sqlite/database.js';
import { MIGRATIONS } from '../../../src/storage/sqlite/migrations.js';
import { vacuumSource } from '../../../src/storage/sqlite/vacuum.js';
import { cleanedPerTest } from '../../helpers/sqlite.js';

const { temp, defer } = cleanedPerTest('vacuum');
const INCREMENTAL = 2;

describe('incremental vacuum', () => {
  it('makes new databases incremental, and rebuilds one made without it once, its rows kept', () => {
    const fresh = openDatabase(temp().file);
    defer(() => fresh.close());
    expect(fresh.pragma('auto_vacuum', { simple: true })).toBe(INCREMENTAL);

    // A database as schema 2 made them: no auto-vacuum.
    const { file } = temp();
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(MIGRATIONS[0] as string);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO kv (key, value) VALUES ('k', 'v')").run();
    old.close();
    const upgraded = openDatabase(file);
    defer(() => upgraded.close());
    expect(upgraded.pragma('auto_vacuum', { simple: true })).toBe(INCREMENTAL);
    expect(upgraded.prepare("SELECT value FROM kv WHERE key = 'k'").pluck().get()).toBe('v');
  });

  it('frees the pages of deleted rows in the tick, at most once per interval, and the file shrinks', () => {
    const { file } = temp();
    const db = openDatabase(file);
    defer(() => db.close());
    const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 5_000; i += 1) insert.run(`k${i}`, 'x'.repeat(1_000));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const full = statSync(file).size;
    db.prepare("DELETE FROM kv WHERE key <> 'k0'").run();
    const freed = db.pragma('freelist_count', { simple: true }) as number;
    let clock = 0;
    const source = vacuumSource(db, { checkEveryMs: 1_000, minFreePages: 10, now: () => clock });
    const tick = db.transaction(() => source.write());
    clock = 999;
    tick();
    expect(db.pragma('freelist_count', { simple: true })).toBe(freed);
    clock = 1_000;
    tick();
    expect(db.pragma('freelist_count', { simple: true })).toBeLessThan(freed);
    db.pragma('wal_checkpoint(PASSIVE)');
    expect(statSync(file).size).toBeLessThan(full / 2);
  });
});
