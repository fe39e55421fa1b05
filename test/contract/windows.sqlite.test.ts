// The WindowStore contract against the SQLite backend, and what only it has: consume counts in memory, each changed
// bucket is written once per tick, and per-minute and per-day counts survive a restart on the same file.
import { describe, expect, it } from 'vitest';
import { createSqliteWindowStore } from '../../src/storage/sqlite/windows.js';
import { bucketOf } from '../../src/storage/window-buckets.js';
import { onFreshDatabase, openTestDatabase, cleanedPerTest } from '../helpers/sqlite.js';
import { describeWindowStoreContract, MINUTE, windowKey } from './windows.contract.js';

const DAY = 86_400_000;

describeWindowStoreContract('sqlite', {
  open: async () => onFreshDatabase('windows', (db, batcher) => createSqliteWindowStore(db, batcher)),
});

describe('SQLite WindowStore', () => {
  const { temp: tempDir, defer } = cleanedPerTest();

  it('keeps per-minute and per-day counts across a restart: a key that used 2 of rpd 3 gets one more', async () => {
    const temp = tempDir('windows');
    const now = Date.now(); // loading drops the rows that stopped counting by the wall clock
    const key = windowKey('gemini-key');
    const rules = [
      { key: `${key}:rpm`, windowMs: MINUTE, limit: 10, amount: 1 },
      { key: `${key}:rpd`, windowMs: DAY, limit: 3, amount: 1 },
    ];
    const first = openTestDatabase(temp.file);
    const windows = createSqliteWindowStore(first.db, first.batcher);
    expect((await windows.consume(rules, now)).ok).toBe(true);
    expect((await windows.consume(rules, now + 1)).ok).toBe(true);
    await windows.adjust([{ key: `${key}:tpd`, windowMs: DAY, amount: 500 }], now);
    // One row per changed bucket, written in the batch.
    expect(first.db.prepare('SELECT COUNT(*) FROM windows').pluck().get()).toBe(0);
    first.batcher.flush();
    expect(first.db.prepare('SELECT key, bucket, count FROM windows ORDER BY key').all()).toEqual([
      { key: `${key}:rpd`, bucket: bucketOf(now + 1, DAY), count: 2 },
      { key: `${key}:rpm`, bucket: bucketOf(now + 1, MINUTE), count: 2 },
      { key: `${key}:tpd`, bucket: bucketOf(now, DAY), count: 500 },
    ]);
    first.close();

    const second = openTestDatabase(temp.file);
    defer(second.close);
    const reopened = createSqliteWindowStore(second.db, second.batcher);
    expect(await reopened.total(`${key}:rpm`, MINUTE, now + 2)).toBe(2);
    expect(await reopened.total(`${key}:tpd`, DAY, now + 2)).toBe(500);
    expect((await reopened.consume(rules, now + 2)).ok).toBe(true);
    expect(await reopened.consume(rules, now + 3)).toMatchObject({ ok: false, key: `${key}:rpd` });
    // A bucket given back to 0 is deleted, not kept at 0.
    await reopened.adjust([{ key: `${key}:tpd`, windowMs: DAY, amount: -500 }], now);
    second.batcher.flush();
    expect(second.db.prepare('SELECT COUNT(*) FROM windows WHERE key = ?').pluck().get(`${key}:tpd`)).toBe(0);
  });

  it('drops, when it opens, the rows of buckets that no longer count', async () => {
    const temp = tempDir('windows-stale');
    const first = openTestDatabase(temp.file);
    const key = windowKey('old');
    await createSqliteWindowStore(first.db, first.batcher).consume(
      [{ key, windowMs: MINUTE, limit: 5, amount: 1 }],
      Date.now() - 5 * MINUTE,
    );
    first.close();
    const second = openTestDatabase(temp.file);
    defer(second.close);
    createSqliteWindowStore(second.db, second.batcher);
    expect(second.db.prepare('SELECT COUNT(*) FROM windows').pluck().get()).toBe(0);
  });
});
