// SQLite usage records: one row per upstream call, inserted behind in the batch, trimmed by age and count; and
// their hourly and daily rollups (usage_rollups), added to in the same batch and kept longer.
import type { Logger } from 'pino';
import type { UsageRecord, UsageStore, UsageStoreOptions } from '../types.js';
import { readUsageTotals } from '../usage-rollups.js';
import type { SqliteDatabase } from './database.js';
import { createSqliteRollups } from './usage-rollups.js';
import type { WriteBatcher } from './write-batcher.js';

/** Records waiting for a tick beyond which new ones are dropped (and counted): a failing disk cannot exhaust memory. */
const MAX_PENDING = 100_000;

interface Row {
  ts: number;
  run_id: string | null;
  provider: string;
  model: string;
  key_id: string | null;
  key_masked: string | null;
  client_id: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: 'ok' | 'error';
  error: string | null;
}

/**
 * A UsageStore on `db`. append() only queues a copy (no I/O on the request path); each tick inserts the queue in the
 * batch's transaction, then deletes rows past the retention (by ts) and beyond maxRecords (the oldest appended go
 * first). query() flushes first, so it sees every append before it, and cuts at the retention as memory does.
 * Each record also adds to its hour's and its day's rollup row, summed in memory until the tick and then upserted:
 * one statement per group and bucket touched, not per record. `now` is the clock retention is measured with.
 */
export function createSqliteUsageStore(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  options: UsageStoreOptions & { logger: Logger },
  now: () => number = Date.now,
): UsageStore {
  const maxRecords = Math.max(1, Math.floor(options.maxRecords));
  const retentionMs = Math.max(0, options.retentionMs);
  const insert = db.prepare(
    `INSERT INTO usage (ts, run_id, provider, model, key_id, key_masked, client_id, prompt_tokens, completion_tokens,
     cost_usd, latency_ms, ttft_ms, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const trimAge = db.prepare('DELETE FROM usage WHERE ts < ?');
  // Ids are rowids, max + 1 at each insert: the ids above max - maxRecords are at most maxRecords rows, the newest
  // (found in O(log n), where OFFSET would walk the rows; fewer when the age trim took late records in between).
  const trimCount = db.prepare('DELETE FROM usage WHERE id <= (SELECT MAX(id) FROM usage) - ?');
  const select = db.prepare('SELECT * FROM usage WHERE ts >= ? AND ts <= ? ORDER BY ts, id');
  const rollups = createSqliteRollups(db, options, now);
  // Each pending record as its INSERT's values (one flat array of strings and numbers) and its rollups summed as it
  // comes: what waits up to a tick for its batch survives a scavenge or two, and a flat array costs the collector
  // less to move than a copy of the record. The sums are the same the tick would add up from the records.
  let pending: InsertValues[] = [];
  let dropped = 0;

  batcher.add({
    write() {
      if (pending.length === 0) return;
      rollups.write();
      for (const values of pending) insert.run(...values);
      trimAge.run(now() - retentionMs);
      trimCount.run(maxRecords);
    },
    written() {
      pending = [];
      rollups.written();
    },
  });

  async function query(from: number, to: number): Promise<UsageRecord[]> {
    batcher.flush();
    const rows = select.all(Math.max(from, now() - retentionMs), to) as Row[];
    return rows.map(fromRow);
  }

  return {
    append(record) {
      if (!Number.isFinite(record.ts)) return;
      if (pending.length >= MAX_PENDING) {
        dropped += 1;
        if (dropped === 1)
          options.logger.warn(
            { provider: record.provider, model: record.model },
            'usage: writes are failing; dropping new records',
          );
        return;
      }
      if (dropped > 0) {
        options.logger.warn({ dropped }, 'usage: recording again after dropping records');
        dropped = 0;
      }
      // Its values now: the caller's object may change later, the stored record must not.
      pending.push(insertValues(record));
      rollups.add(record);
      batcher.schedule();
    },
    query,
    async totals(from, to) {
      batcher.flush();
      return readUsageTotals({ records: query, rollups: rollups.read }, from, to);
    },
    async flush() {
      batcher.flush();
    },
  };
}

/** A record's values in the INSERT's column order. */
type InsertValues = Array<string | number | null>;

function insertValues(r: UsageRecord): InsertValues {
  return [
    r.ts,
    r.runId ?? null,
    r.provider,
    r.model,
    r.keyId ?? null,
    r.keyMasked ?? null,
    r.clientId ?? null,
    r.promptTokens,
    r.completionTokens,
    r.costUsd,
    r.latencyMs,
    r.ttftMs ?? null,
    r.status,
    r.error ?? null,
  ];
}

function fromRow(row: Row): UsageRecord {
  const record: UsageRecord = {
    ts: row.ts,
    provider: row.provider,
    model: row.model,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    status: row.status,
  };
  if (row.run_id !== null) record.runId = row.run_id;
  if (row.key_id !== null) record.keyId = row.key_id;
  if (row.key_masked !== null) record.keyMasked = row.key_masked;
  if (row.client_id !== null) record.clientId = row.client_id;
  if (row.ttft_ms !== null) record.ttftMs = row.ttft_ms;
  if (row.error !== null) record.error = row.error;
  return record;
}
