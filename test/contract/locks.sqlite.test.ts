// The LockStore contract against the SQLite backend on an injected clock, and what only it has: two stores on one
// database file (two processes on one data directory) exclude each other, and a lease outlives a restart until its TTL.
import { describe, expect, it } from 'vitest';
import { createSqliteLockStore } from '../../src/storage/sqlite/locks.js';
import { onFreshDatabase, openTestDatabase, cleanedPerTest } from '../helpers/sqlite.js';
import { describeLockStoreContract, lockName } from './locks.contract.js';

let clock = 1_700_000_000_000;

describeLockStoreContract('sqlite', {
  open: async () => onFreshDatabase('locks', (db) => createSqliteLockStore(db, () => clock)),
  elapse: async (ms) => {
    clock += ms;
  },
});

describe('SQLite LockStore', () => {
  const { temp: tempDir, defer } = cleanedPerTest();

  it('excludes across two connections to one file, and keeps a lease across a restart until it expires', async () => {
    const temp = tempDir('locks');
    let now = 1_000_000;
    const [a, b] = [openTestDatabase(temp.file), openTestDatabase(temp.file)];
    defer(b.close);
    const name = lockName('shared');
    const lease = await createSqliteLockStore(a.db, () => now).tryAcquire(name, 5_000);
    expect(lease).toBeDefined();
    expect(await createSqliteLockStore(b.db, () => now).tryAcquire(name, 5_000)).toBeUndefined();
    a.close();

    const reopened = openTestDatabase(temp.file);
    defer(reopened.close);
    const locks = createSqliteLockStore(reopened.db, () => now);
    expect(await locks.tryAcquire(name, 5_000)).toBeUndefined();
    now += 5_000;
    expect(await locks.tryAcquire(name, 5_000)).toBeDefined();
  });
});
