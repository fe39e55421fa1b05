// The RequestLogStore contract against the SQLite backend on an injected clock, and what only it has: rows wait for
// the tick (list flushes first), each filter is served by an index, a walk over common filters is bounded, and the
// rows survive a restart.
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestQuery } from '../../src/storage/types.js';
import { createSqliteRequestLog, SCAN_WINDOW } from '../../src/storage/sqlite/requests.js';
import { openDatabase } from '../../src/storage/sqlite/database.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';
import { createWriteBatcher } from '../../src/storage/sqlite/write-batcher.js';
import { onFreshDatabase, openTestDatabase, silent, tempDataDir } from '../helpers/sqlite.js';
import { describeRequestLogContract, requestRecord } from './requests.contract.js';

const clock = 1_700_000_000_000;

describeRequestLogContract('sqlite', {
  open: async (options) =>
    onFreshDatabase('requests', (db, batcher) =>
      createSqliteRequestLog(db, batcher, { ...options, logger: silent }, () => clock),
    ),
  now: () => clock,
});

describe('SQLite RequestLogStore', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() =>
    cleanup
      .splice(0)
      .reverse()
      .forEach((step) => step()),
  );
  const open = (file = tempDataDir('requests')) => {
    if (!cleanup.includes(file.remove)) cleanup.push(file.remove);
    const opened = openTestDatabase(file.file);
    cleanup.push(opened.close);
    const store = createSqliteRequestLog(
      opened.db,
      opened.batcher,
      { retentionMs: 3_600_000, maxRows: 100, logger: silent },
      () => clock,
    );
    return { ...opened, store, dir: file };
  };

  it('writes rows at the tick, not at append, and keeps exactly maxRows', async () => {
    const { db, store } = open();
    for (let i = 0; i < 150; i += 1) store.append(requestRecord(clock - 1_000 + i, { runId: `r${i}` }));
    expect(db.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(0);
    expect((await store.list({ limit: 1 })).rows[0]!.runId).toBe('r149');
    expect(db.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(100);
  });

  it("answers each single filter from its index, the common status from the table's rowids, never sorting", async () => {
    const { db, store } = open();
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as typeof db.prepare;
    /** The query plan of the SELECT a list of `query` ran last. */
    const planOf = async (query: Omit<RequestQuery, 'limit'>) => {
      await store.list({ limit: 50, ...query });
      const sql = prepared.findLast((text) => text.startsWith('SELECT * FROM requests'))!;
      const values = Array.from(sql.matchAll(/\?/g), () => 0);
      const rows = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as Array<{ detail: string }>;
      return rows.map((row) => row.detail).join('; ');
    };
    expect(await planOf({ before: '100' })).toMatch(/SEARCH requests USING INTEGER PRIMARY KEY/);
    for (const [query, index] of [
      [{ clientId: 'c', before: '100' }, 'requests_client'],
      [{ model: 'm' }, 'requests_model'],
      [{ provider: 'p' }, 'requests_provider'],
      [{ status: 'error' }, 'requests_status'],
      [{ status: 429 }, 'requests_http_status'],
    ] as const) {
      const plan = await planOf(query);
      expect(plan).toContain(`USING INDEX ${index}`);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
    for (const status of ['ok', 200] as const) {
      const plan = await planOf({ status });
      expect(plan).toMatch(/^(SCAN requests|SEARCH requests USING INTEGER PRIMARY KEY)/);
      expect(plan).not.toMatch(/INDEX|TEMP B-TREE/);
    }
  });

  it('walks at most SCAN_WINDOW rows of the table for the common status, then gives a cursor', async () => {
    const file = tempDataDir('requests');
    cleanup.push(file.remove);
    const opened = openTestDatabase(file.file);
    cleanup.push(opened.close);
    const options = { retentionMs: 3_600_000, maxRows: 100_000, logger: silent };
    const store = createSqliteRequestLog(opened.db, opened.batcher, options, () => clock);
    // A provider down for a while: one answer, then many failures after it.
    store.append(requestRecord(clock - 2_000, { runId: 'answered' }));
    for (let i = 0; i < SCAN_WINDOW + 500; i += 1)
      store.append(requestRecord(clock - 1_000, { runId: `failed${i}`, status: 'error', httpStatus: 502 }));
    const first = await store.list({ limit: 10, status: 'ok' });
    expect(first.rows).toEqual([]);
    expect(first.next).toBeDefined();
    const second = await store.list({ limit: 10, status: 200, before: first.next! });
    expect(second).toEqual({ rows: [expect.objectContaining({ runId: 'answered' })] });
  });

  it('deletes the rows past the retention at the tick, from the oldest on; a late old row is kept a while, unlisted', async () => {
    const { db, store } = open();
    const count = () => db.prepare('SELECT COUNT(*) FROM requests').pluck().get();
    const old = clock - 2 * 3_600_000;
    for (const runId of ['old1', 'old2', 'old3']) store.append(requestRecord(old, { runId }));
    for (const runId of ['new1', 'new2']) store.append(requestRecord(clock - 1_000, { runId }));
    // A long stream's row: its request arrived long ago, its row comes after newer ones.
    store.append(requestRecord(old, { runId: 'late' }));
    expect((await store.list({ limit: 10 })).rows.map((row) => row.runId)).toEqual(['new2', 'new1']);
    expect(count()).toBe(3);
    store.append(requestRecord(old, { runId: 'old4' }));
    await store.flush();
    // Everything before the first row inside the retention goes; with no such row left, every row.
    db.prepare("DELETE FROM requests WHERE run_id LIKE 'new%'").run();
    store.append(requestRecord(old, { runId: 'old5' }));
    await store.flush();
    expect(count()).toBe(0);
  });

  it('walks at most SCAN_WINDOW rows for filters each common but rarely together, then gives a cursor', async () => {
    const file = tempDataDir('requests');
    cleanup.push(file.remove);
    const opened = openTestDatabase(file.file);
    cleanup.push(opened.close);
    const options = { retentionMs: 3_600_000, maxRows: 100_000, logger: silent };
    const store = createSqliteRequestLog(opened.db, opened.batcher, options, () => clock);
    const base = clock - 100_000;
    store.append(requestRecord(base, { runId: 'rare', provider: 'a', modelUsed: 'b/m' }));
    for (let i = 1; i <= SCAN_WINDOW + 2_000; i += 1) {
      store.append(requestRecord(base + 1, { runId: `a${i}`, provider: 'a', modelUsed: 'a/m' }));
      store.append(requestRecord(base + 1, { runId: `b${i}`, provider: 'b', modelUsed: 'b/m' }));
    }
    const first = await store.list({ limit: 10, provider: 'a', model: 'b/m' });
    expect(first.rows).toEqual([]);
    expect(first.next).toBeDefined();
    const second = await store.list({ limit: 10, provider: 'a', model: 'b/m', before: first.next! });
    expect(second).toEqual({ rows: [expect.objectContaining({ runId: 'rare' })] });
  });

  it('keeps the rows of a database of schema version 2 when it migrates, every filter, since too, still served', async () => {
    const file = tempDataDir('requests');
    cleanup.push(file.remove);
    const v2 = openDatabase(file.file, { migrations: MIGRATIONS.slice(0, 2) });
    const v2Store = createSqliteRequestLog(
      v2,
      createWriteBatcher(v2, { logger: silent, intervalMs: 60_000 }),
      { retentionMs: 3_600_000, maxRows: 100, logger: silent },
      () => clock,
    );
    v2Store.append(requestRecord(clock - 3_000, { runId: 'a', clientId: 'c1' }));
    v2Store.append(requestRecord(clock - 2_000, { runId: 'b', status: 'error', httpStatus: 502 }));
    v2Store.append(requestRecord(clock - 1_000, { runId: 'c', clientId: 'c1', status: 'aborted', httpStatus: 200 }));
    await v2Store.flush();
    v2.close();
    const { db, store } = open(file);
    const runIds = async (query: Omit<RequestQuery, 'limit'>) =>
      (await store.list({ limit: 10, ...query })).rows.map((row) => row.runId);
    expect(await runIds({})).toEqual(['c', 'b', 'a']);
    expect(await runIds({ clientId: 'c1' })).toEqual(['c', 'a']);
    expect(await runIds({ status: 'error' })).toEqual(['b']);
    expect(await runIds({ status: 'ok' })).toEqual(['a']);
    expect(await runIds({ status: 200 })).toEqual(['c', 'a']);
    expect(await runIds({ status: 502 })).toEqual(['b']);
    // The ts index of version 2 is gone; since finds its rows without it.
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'").pluck();
    expect(indexes.all()).not.toContain('requests_ts');
    expect(await runIds({ since: clock - 2_000 })).toEqual(['c', 'b']);
    expect(await runIds({ since: clock - 2_000, clientId: 'c1' })).toEqual(['c']);
  });

  it('keeps every row, all fields, across a restart on the same file', async () => {
    const first = open();
    const full = requestRecord(clock - 1_000, {
      clientId: 'c1',
      stream: true,
      ttftMs: 12.5,
      costUsd: 0.25,
      content: { prompt: 'p', answer: 'a' },
      attempts: [{ model: 'x/y', provider: 'x', ms: 3, error: 'timeout' }],
    });
    first.store.append(full);
    first.close(); // flushes what the tick had not written yet
    const second = open(first.dir);
    const { rows } = await second.store.list({ limit: 5 });
    expect(rows).toEqual([{ ...full, id: '1' }]);
  });
});
