// SQLite usage rollups: hourly and daily sums per provider, model, key and client in usage_rollups, added to in the
// usage store's batch (one upsert per group and bucket a tick touched) and trimmed by each unit's retention.
import type { UsageRecord, UsageStoreOptions, UsageSums } from '../types.js';
import { addToRollups, ROLLUP_UNITS, type RollupRow, type RollupUnit, rollupRetentionMs } from '../usage-rollups.js';
import type { SqliteDatabase } from './database.js';

/** A rollup row as read: one group's sums over the buckets asked for. */
interface RollupRead {
  provider: string;
  model: string;
  key_id: string;
  client_id: string;
  key_masked: string | null;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number;
  streams: number;
}

/**
 * The rollups of the records a tick writes, and their reads; buckets past a unit's retention are deleted each tick.
 * A group with no key or no client is stored with '' there, so that the primary key holds (NULLs never conflict).
 */
export function createSqliteRollups(db: SqliteDatabase, options: UsageStoreOptions, now: () => number) {
  const upsert = db.prepare(
    `INSERT INTO usage_rollups (unit, bucket, provider, model, key_id, client_id, key_masked, requests, errors,
     prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, streams) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET key_masked = COALESCE(key_masked, excluded.key_masked),
     requests = requests + excluded.requests, errors = errors + excluded.errors,
     prompt_tokens = prompt_tokens + excluded.prompt_tokens,
     completion_tokens = completion_tokens + excluded.completion_tokens, cost_usd = cost_usd + excluded.cost_usd,
     latency_ms = latency_ms + excluded.latency_ms, ttft_ms = ttft_ms + excluded.ttft_ms, streams = streams + excluded.streams`,
  );
  const trim = db.prepare('DELETE FROM usage_rollups WHERE unit = ? AND bucket <= ?');
  const select = db.prepare(
    `SELECT provider, model, key_id, client_id, MAX(key_masked) AS key_masked, SUM(requests) AS requests,
     SUM(errors) AS errors, SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
     SUM(cost_usd) AS cost_usd, SUM(latency_ms) AS latency_ms, SUM(ttft_ms) AS ttft_ms, SUM(streams) AS streams
     FROM usage_rollups WHERE unit = ? AND bucket >= ? AND bucket < ? GROUP BY provider, model, key_id, client_id`,
  );
  /** The newest bucket start of `unit` that is wholly past its retention. */
  const expired = (unit: RollupUnit) => now() - rollupRetentionMs(unit, options) - unit;
  /** The rollup changes of the records appended since the last committed batch, by unit, bucket and group. */
  let pending = new Map<string, RollupRow>();
  return {
    /** Adds a record (its ts finite) to the pending rollups: summed in memory until the tick writes them. */
    add(record: UsageRecord): void {
      addToRollups(pending, record);
    },
    /** Inside the batch's transaction: upserts the pending rollups, then drops expired buckets. */
    write(): void {
      for (const { unit, bucket, sums: s } of pending.values()) {
        upsert.run(
          unit,
          bucket,
          s.provider,
          s.model,
          s.keyId ?? '',
          s.clientId ?? '',
          s.keyMasked ?? null,
          s.requests,
          s.errors,
          s.promptTokens,
          s.completionTokens,
          s.costUsd,
          s.latencyMs,
          s.ttftMs,
          s.streams,
        );
      }
      for (const unit of ROLLUP_UNITS) trim.run(unit, expired(unit));
    },
    /** The batch committed: the pending rollups are written. */
    written(): void {
      pending = new Map();
    },
    /** The sums per group of `unit`'s buckets starting in [from, to) and still within its retention. */
    async read(unit: RollupUnit, from: number, to: number): Promise<UsageSums[]> {
      const rows = select.all(unit, Math.max(from, expired(unit) + 1), to) as RollupRead[];
      return rows.map(fromRollup);
    },
  };
}

function fromRollup(row: RollupRead): UsageSums {
  return {
    provider: row.provider,
    model: row.model,
    ...(row.key_id === '' ? {} : { keyId: row.key_id }),
    ...(row.key_masked === null ? {} : { keyMasked: row.key_masked }),
    ...(row.client_id === '' ? {} : { clientId: row.client_id }),
    requests: row.requests,
    errors: row.errors,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    streams: row.streams,
  };
}
