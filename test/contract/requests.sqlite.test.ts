// The RequestLogStore contract against the SQLite backend on an injected clock, and what only it has: rows wait for
// the tick (list flushes first), each filter is served by an index, a walk over common filters is bounded, and the
// rows survive a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteRequestLog, SCAN_WINDOW } from '../../src/storage/sqlite/requests.js';
import { onFreshDatabase, openTestDatabase, silent, tempDataDir } from '../helpers/sqlite.js';
import { describeRequestLogContract, requestRecord } from './requests.contract.js';

let clock = 1_700_000_000_000;

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

  it('answers each single filter from its index, newest first, without sorting', () => {
    const { db } = open();
    const plan = (where: string) =>
      (
        db
          .prepare(`EXPLAIN QUERY PLAN SELECT * FROM requests WHERE +ts >= 0 AND ${where} ORDER BY id DESC LIMIT 51`)
          .all() as Array<{ detail: string }>
      )
        .map((row) => row.detail)
        .join('; ');
    expect(plan('id < 100')).toMatch(/SEARCH requests USING INTEGER PRIMARY KEY/);
    for (const [where, index] of [
      ["client_id = 'c' AND id < 100", 'requests_client'],
      ["model_used = 'm'", 'requests_model'],
      ["provider = 'p'", 'requests_provider'],
      ["status = 'error'", 'requests_status'],
      ['http_status = 429', 'requests_http_status'],
    ]) {
      expect(plan(where!)).toContain(`USING INDEX ${index}`);
      expect(plan(where!)).not.toMatch(/TEMP B-TREE/);
    }
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
