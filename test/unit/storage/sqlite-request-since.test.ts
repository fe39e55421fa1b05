// The SQLite request log's `since` floor, found without a ts index: never above a row that arrived since, whatever
// the order of ends up to ORDER_SLACK_MS and the gaps in ids, and close below the first such row (no long walks).
import { describe, expect, it } from 'vitest';
import { createSqliteRequestLog } from '../../../src/storage/sqlite/requests.js';
import { createSinceFloor, ORDER_SLACK_MS } from '../../../src/storage/sqlite/request-since.js';
import { requestRecord } from '../../contract/requests.contract.js';
import { cleanedPerTest, openTestDatabase, silent } from '../../helpers/sqlite.js';

const { temp, defer } = cleanedPerTest('since');
const clock = 1_700_000_000_000;

function open() {
  const opened = openTestDatabase(temp().file);
  defer(opened.close);
  const options = { retentionMs: 86_400_000, maxRows: 1_000_000, logger: silent };
  const store = createSqliteRequestLog(opened.db, opened.batcher, options, () => clock);
  return { db: opened.db, store, floor: createSinceFloor(opened.db) };
}

describe('the since floor of the SQLite request log', () => {
  it('is at or below every row that arrived since, and no row far older lies above it', async () => {
    const { db, store, floor } = open();
    // 20,000 requests over 2,000 s, appended as they ended, each end up to 90% of the slack out of order (a clock
    // stepped back, rounding), one in 50 a stream of up to 5 minutes; then every 7th row deleted (gaps in the ids).
    let seed = 7;
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) - 1) / 2_147_483_646;
    const first = clock - 2_100_000;
    for (let i = 0; i < 20_000; i += 1) {
      const end = first + i * 100 + Math.floor(random() * ORDER_SLACK_MS * 0.9);
      const latencyMs = i % 50 === 0 ? Math.floor(random() * 300_000) : Math.floor(random() * 2_000);
      store.append(requestRecord(end - latencyMs, { runId: `r${i}`, latencyMs }));
    }
    await store.flush();
    db.prepare('DELETE FROM requests WHERE id % 7 = 0').run();
    const rows = db.prepare('SELECT id, ts, ts + latency_ms AS ended FROM requests ORDER BY id').all() as Array<{
      id: number;
      ts: number;
      ended: number;
    }>;
    for (let k = 0; k < 200; k += 1) {
      const since = first - 400_000 + Math.floor(random() * 2_800_000);
      const at = floor(since);
      const lowest = rows.find((row) => row.ts >= since)?.id ?? Number.POSITIVE_INFINITY;
      expect(at).toBeLessThanOrEqual(lowest);
      // Tight: what lies above the floor ended at most twice the slack (the order's own play) before `since`.
      const above = rows.filter((row) => row.id >= at && row.id < lowest);
      expect(above.every((row) => row.ended >= since - 2 * ORDER_SLACK_MS)).toBe(true);
    }
  });

  it('reads the table by seeks on the rowid only, never a scan', () => {
    const { db } = open();
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as typeof db.prepare;
    createSinceFloor(db);
    expect(prepared.length).toBeGreaterThan(0);
    for (const sql of prepared) {
      const values = Array.from(sql.matchAll(/\?/g), () => 0);
      const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as Array<{ detail: string }>;
      expect(plan.map((row) => row.detail).join('; ')).not.toMatch(/SCAN/);
    }
  });

  it('is past the newest row when every row ended before since, and any id on an empty table', async () => {
    const { store, floor } = open();
    expect(await store.list({ limit: 5, since: clock })).toEqual({ rows: [] });
    store.append(requestRecord(clock - 60_000, { runId: 'a' }));
    store.append(requestRecord(clock - 50_000, { runId: 'b' }));
    await store.flush();
    expect(floor(clock)).toBe(3);
    expect(floor(clock - 55_000)).toBe(1);
    expect((await store.list({ limit: 5, since: clock - 55_000 })).rows.map((row) => row.runId)).toEqual(['b']);
  });
});
