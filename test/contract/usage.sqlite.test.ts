// The UsageStore contract against the SQLite backend on an injected clock, and what only it has: appends wait for the
// tick (query flushes first), rows are trimmed by count and age, and the records survive a restart.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/database.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';
import { createSqliteUsageStore } from '../../src/storage/sqlite/usage.js';
import { DAY_MS, HOUR_MS } from '../../src/storage/usage-rollups.js';
import { onFreshDatabase, openTestDatabase, silent, cleanedPerTest } from '../helpers/sqlite.js';
import { describeUsageStoreContract, usageRecord } from './usage.contract.js';

const clock = 1_700_000_000_000;

describeUsageStoreContract('sqlite', {
  open: async (options) =>
    onFreshDatabase('usage', (db, batcher) =>
      createSqliteUsageStore(db, batcher, { ...options, logger: silent }, () => clock),
    ),
  now: () => clock,
});

describe('SQLite UsageStore', () => {
  const { temp, defer } = cleanedPerTest('usage');

  it('keeps exactly maxRecords, the newest, and stores a copy of each record', async () => {
    const opened = openTestDatabase(temp().file);
    defer(opened.close);
    const store = createSqliteUsageStore(
      opened.db,
      opened.batcher,
      { retentionMs: 60_000, maxRecords: 3, logger: silent },
      () => clock,
    );
    const record = usageRecord(clock - 200, { runId: 'r0', promptTokens: 7 });
    store.append(record);
    record.promptTokens = 999;
    for (let i = 1; i < 10; i += 1) store.append(usageRecord(clock - 100 + i, { runId: `r${i}` }));
    expect(opened.db.prepare('SELECT COUNT(*) FROM usage').pluck().get()).toBe(0); // not yet: the tick has not come
    expect((await store.query(0, clock)).map((r) => r.runId)).toEqual(['r7', 'r8', 'r9']);
    expect(opened.db.prepare('SELECT COUNT(*) FROM usage').pluck().get()).toBe(3);
  });

  it('lets records age out of the table as its clock passes the retention', async () => {
    let now = 1_000_000;
    const opened = openTestDatabase(temp().file);
    defer(opened.close);
    const store = createSqliteUsageStore(
      opened.db,
      opened.batcher,
      { retentionMs: 10_000, maxRecords: 100, logger: silent },
      () => now,
    );
    store.append(usageRecord(now, { runId: 'a' }));
    now += 6_000;
    store.append(usageRecord(now, { runId: 'b' }));
    expect((await store.query(0, now)).map((r) => r.runId)).toEqual(['a', 'b']);
    now += 4_001;
    expect((await store.query(0, now)).map((r) => r.runId)).toEqual(['b']);
    store.append(usageRecord(now, { runId: 'c' }));
    await store.flush();
    expect(opened.db.prepare('SELECT run_id FROM usage ORDER BY id').pluck().all()).toEqual(['b', 'c']);
  });

  it('writes each record and its rollups once, as appended, after a failed batch is retried', async () => {
    const opened = openTestDatabase(temp().file);
    defer(opened.close);
    const store = createSqliteUsageStore(
      opened.db,
      opened.batcher,
      { retentionMs: 60_000, maxRecords: 100, logger: silent },
      () => clock,
    );
    let failures = 1;
    opened.batcher.add({
      write() {
        if (failures > 0) {
          failures -= 1;
          throw new Error('disk full');
        }
      },
      written() {},
    });
    const first = usageRecord(clock - 300, { runId: 'a', keyId: 'k1', promptTokens: 7, ttftMs: 40 });
    store.append(first);
    first.promptTokens = 999; // changed after the append: neither the row nor the rollups see it
    first.keyMasked = 'late';
    opened.batcher.flush(); // fails and rolls back: both kept for the next tick
    store.append(usageRecord(clock - 200, { runId: 'b', keyId: 'k1', keyMasked: 'gsk_…abcd', promptTokens: 5 }));
    store.append(usageRecord(clock - 100, { runId: 'c', status: 'error', error: 'rate_limit', promptTokens: 3 }));
    await store.flush();
    const rows = opened.db.prepare('SELECT run_id, prompt_tokens, key_masked FROM usage ORDER BY id').all();
    expect(rows).toEqual([
      { run_id: 'a', prompt_tokens: 7, key_masked: null },
      { run_id: 'b', prompt_tokens: 5, key_masked: 'gsk_…abcd' },
      { run_id: 'c', prompt_tokens: 3, key_masked: null },
    ]);
    const rollups = opened.db
      .prepare(
        `SELECT unit, key_id, key_masked, requests, errors, prompt_tokens, ttft_ms, streams FROM usage_rollups
         ORDER BY unit, key_id`,
      )
      .all();
    const k1 = {
      key_id: 'k1',
      key_masked: 'gsk_…abcd',
      requests: 2,
      errors: 0,
      prompt_tokens: 12,
      ttft_ms: 40,
      streams: 1,
    };
    const none = { key_id: '', key_masked: null, requests: 1, errors: 1, prompt_tokens: 3, ttft_ms: 0, streams: 0 };
    expect(rollups).toEqual([
      { unit: HOUR_MS, ...none },
      { unit: HOUR_MS, ...k1 },
      { unit: DAY_MS, ...none },
      { unit: DAY_MS, ...k1 },
    ]);
  });

  it('keeps every record, all fields, across a restart on the same file', async () => {
    const { file } = temp();
    const options = { retentionMs: 3_600_000, maxRecords: 1_000, logger: silent };
    const first = openTestDatabase(file);
    const store = createSqliteUsageStore(first.db, first.batcher, options, () => clock);
    const full = usageRecord(clock - 1_000, {
      runId: 'run-1',
      keyId: 'k1',
      keyMasked: 'gsk_…abcd',
      clientId: 'c1',
      ttftMs: 40.5,
      costUsd: 0.000123,
      status: 'error',
      error: 'rate_limit',
    });
    store.append(full);
    store.append(usageRecord(clock - 500, { clientId: 'c2', latencyMs: 99.25 }));
    first.close(); // flushes what the tick had not written yet
    const second = openTestDatabase(file);
    defer(second.close);
    const reopened = createSqliteUsageStore(second.db, second.batcher, options, () => clock);
    expect(await reopened.query(0, clock)).toEqual([
      full,
      usageRecord(clock - 500, { clientId: 'c2', latencyMs: 99.25 }),
    ]);
  });

  it('rolls up the usage rows a database of schema version 1 already had, when it migrates', async () => {
    const { file } = temp();
    const v1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    const day = 86_400_000;
    const insert = v1.prepare(
      `INSERT INTO usage (ts, provider, model, client_id, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms,
       status, error) VALUES (?, 'groq', 'groq/llama', ?, ?, 1, 0.5, 100, ?, ?, ?)`,
    );
    insert.run(clock - 20 * day, 'c1', 10, null, 'ok', null);
    insert.run(clock - 20 * day + 1, 'c1', 20, 40, 'error', 'server');
    insert.run(clock - 21 * day, null, 30, null, 'ok', null);
    v1.close();
    const opened = openTestDatabase(file);
    defer(opened.close);
    const store = createSqliteUsageStore(
      opened.db,
      opened.batcher,
      { retentionMs: day, maxRecords: 10, logger: silent },
      () => clock,
    );
    expect(await store.query(0, clock)).toEqual([]);
    const totals = await store.totals(clock - 30 * day, clock);
    expect(totals.sort((a, b) => a.requests - b.requests)).toEqual([
      {
        provider: 'groq',
        model: 'groq/llama',
        requests: 1,
        errors: 0,
        promptTokens: 30,
        completionTokens: 1,
        costUsd: 0.5,
        latencyMs: 100,
        ttftMs: 0,
        streams: 0,
      },
      {
        provider: 'groq',
        model: 'groq/llama',
        clientId: 'c1',
        requests: 2,
        errors: 1,
        promptTokens: 30,
        completionTokens: 2,
        costUsd: 1,
        latencyMs: 200,
        ttftMs: 40,
        streams: 1,
      },
    ]);
  });
});
