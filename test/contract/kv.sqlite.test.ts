// The KvStore contract against the SQLite backend on an injected clock, and what only it has: writes wait for the
// batch yet are read at once, and values (with their TTLs) survive a restart on the same file.
import { describe, expect, it } from 'vitest';
import { createSqliteKvStore } from '../../src/storage/sqlite/kv.js';
import { onFreshDatabase, openTestDatabase, cleanedPerTest } from '../helpers/sqlite.js';
import { describeKvStoreContract } from './kv.contract.js';

let clock = 1_700_000_000_000;

describeKvStoreContract('sqlite', {
  open: async () => onFreshDatabase('kv', (db, batcher) => createSqliteKvStore(db, batcher, () => clock)),
  elapse: async (ms) => {
    clock += ms;
  },
});

describe('SQLite KvStore', () => {
  const { temp, defer } = cleanedPerTest('kv-restart');

  it('reads its own writes before they are written, and writes them in the batch', async () => {
    const { file } = temp();
    const opened = openTestDatabase(file);
    defer(opened.close);
    const kv = createSqliteKvStore(opened.db, opened.batcher);
    await kv.set('a', 'pending');
    expect(await kv.get('a')).toBe('pending');
    expect(opened.db.prepare('SELECT COUNT(*) FROM kv').pluck().get()).toBe(0);
    opened.batcher.flush();
    expect(opened.db.prepare('SELECT value FROM kv WHERE key = ?').pluck().get('a')).toBe('pending');
    await kv.delete('a');
    expect(await kv.get('a')).toBeUndefined();
  });

  it('keeps values and their TTLs across a restart on the same file', async () => {
    const { file } = temp();
    let now = 1_000_000;
    const first = openTestDatabase(file);
    const kv = createSqliteKvStore(first.db, first.batcher, () => now);
    await kv.set('kept', 'forever');
    await kv.set('short', 'brief', 1_000);
    await kv.set('gone', 'x');
    await kv.delete('gone');
    first.close();

    const second = openTestDatabase(file);
    defer(second.close);
    const reopened = createSqliteKvStore(second.db, second.batcher, () => now);
    expect([await reopened.get('kept'), await reopened.get('short'), await reopened.get('gone')]).toEqual([
      'forever',
      'brief',
      undefined,
    ]);
    now += 1_000;
    expect(await reopened.get('short')).toBeUndefined();
  });
});
