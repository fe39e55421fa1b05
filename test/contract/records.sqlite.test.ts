// The RecordStore contract against the SQLite backend, and what only it has: records survive a restart, the database
// is private (0600), a deleted record leaves no copy in the data directory, and a records.json is imported once.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDS_FILE } from '../../src/storage/memory/records.js';
import { createSqliteRecordStore, importRecordsFile } from '../../src/storage/sqlite/records.js';
import { onFreshDatabase, openTestDatabase, silent, cleanedPerTest } from '../helpers/sqlite.js';
import { describeRecordStoreContract } from './records.contract.js';

describeRecordStoreContract('sqlite', {
  open: async () => onFreshDatabase('records', (db) => createSqliteRecordStore(db)),
});

describe('SQLite RecordStore', () => {
  const { temp, defer } = cleanedPerTest('records');
  const open = (file: string) => {
    const opened = openTestDatabase(file);
    defer(opened.close);
    return opened;
  };

  it('keeps records, deletions included, across a restart, in a file only its owner can read', async () => {
    const { file } = temp();
    const first = open(file);
    const records = createSqliteRecordStore(first.db);
    await records.put('vault', 'a', 'secret-a');
    await records.put('vault', 'b', 'secret-b');
    await records.put('clients', 'c', 'hash-c');
    await records.delete('vault', 'b');
    first.close();
    const reopened = createSqliteRecordStore(open(file).db);
    expect(await reopened.list('vault')).toEqual([{ id: 'a', value: 'secret-a' }]);
    expect(await reopened.get('clients', 'c')).toBe('hash-c');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const name of readdirSync(path.dirname(file)))
      expect([name, statSync(path.join(path.dirname(file), name)).mode & 0o777]).toEqual([name, 0o600]);
  });

  it('leaves no copy of a deleted record in any file of the data directory', async () => {
    const { dir, file } = temp();
    const opened = open(file);
    const records = createSqliteRecordStore(opened.db);
    const marker = 'removed-entry-4f1c9e';
    await records.put('vault', marker, `value-of-${marker}`);
    await records.put('vault', 'stays', 'kept');
    const text = () =>
      readdirSync(dir)
        .map((name) => readFileSync(path.join(dir, name)).toString('latin1'))
        .join('');
    expect(text()).toContain(marker);
    expect(await records.delete('vault', marker)).toBe(true);
    expect(text()).not.toContain(marker);
    expect(await records.get('vault', 'stays')).toBe('kept');
  });

  it('imports a records.json once: existing installs keep their vault and client keys', async () => {
    const { dir, file } = temp();
    const legacy = { vault: { meta: '{"salt":"s"}', k1: 'encrypted-1' }, clients: { c1: 'hash-1' } };
    writeFileSync(path.join(dir, RECORDS_FILE), JSON.stringify(legacy), { mode: 0o600 });
    const first = open(file);
    expect(importRecordsFile(first.db, dir, silent)).toBe(3);
    const records = createSqliteRecordStore(first.db);
    expect((await records.list('vault')).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'k1', value: 'encrypted-1' },
      { id: 'meta', value: '{"salt":"s"}' },
    ]);
    expect(await records.get('clients', 'c1')).toBe('hash-1');
    // Never twice: not at the next start, nor once every record was deleted (that would bring deleted keys back).
    expect(importRecordsFile(first.db, dir, silent)).toBe(0);
    for (const [collection, id] of [
      ['vault', 'meta'],
      ['vault', 'k1'],
      ['clients', 'c1'],
    ] as const)
      await records.delete(collection, id);
    first.close();
    const second = open(file);
    expect(importRecordsFile(second.db, dir, silent)).toBe(0);
    expect(await createSqliteRecordStore(second.db).list('vault')).toEqual([]);
    expect(existsSync(path.join(dir, RECORDS_FILE))).toBe(true); // left in place, for SWITCHBOARD_STORE=memory
  });

  it('refuses a records.json that is not one, naming it, and imports nothing', () => {
    const { dir, file } = temp();
    writeFileSync(path.join(dir, RECORDS_FILE), '{"vault": {"a": "trunc');
    const opened = open(file);
    expect(() => importRecordsFile(opened.db, dir, silent)).toThrow(path.join(dir, RECORDS_FILE));
    expect(opened.db.prepare('SELECT COUNT(*) FROM records').pluck().get()).toBe(0);
  });
});
