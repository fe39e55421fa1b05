// The SQLite request log: one row per request in `requests`, inserted behind in the batch, trimmed by age and count,
// listed newest first through the index of the filter given.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { badCursor, copyRequest, pageSize } from '../request-rows.js';
import type {
  RequestFilter,
  RequestLogOptions,
  RequestLogStore,
  RequestRecord,
  RequestStatus,
  StoredRequest,
} from '../types.js';
import type { SqliteDatabase } from './database.js';
import type { WriteBatcher } from './write-batcher.js';

type Statement = Database.Statement<Array<string | number>>;

/** Rows waiting for a tick beyond which new ones are dropped (and counted): a failing disk cannot exhaust memory. */
const MAX_PENDING = 100_000;

interface Row {
  id: number;
  ts: number;
  run_id: string | null;
  route: string;
  client_id: string | null;
  model_asked: string | null;
  model_used: string | null;
  provider: string | null;
  stream: number;
  status: RequestStatus;
  http_status: number;
  error: string | null;
  attempts: string;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  cache_hit: number;
  content: string | null;
}

/** The WHERE terms of each filter field; `?` takes the field's value. */
const TERMS = {
  model: 'model_used = ?',
  provider: 'provider = ?',
  clientId: 'client_id = ?',
} as const;

/**
 * A RequestLogStore on `db`. append() only queues a copy (no I/O on the request path); each tick inserts the queue
 * in the batch's transaction, then deletes rows whose request arrived before the retention (by ts, indexed) and
 * those beyond maxRows (ids are rowids, so the oldest appended go first). list() flushes first, so it sees every
 * append before it. Row ids are the rowids, as decimal strings. `now` is the clock retention is measured with.
 */
export function createSqliteRequestLog(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  options: RequestLogOptions & { logger: Logger },
  now: () => number = Date.now,
): RequestLogStore {
  const maxRows = Math.max(1, Math.floor(options.maxRows));
  const retentionMs = Math.max(0, options.retentionMs);
  const insert = db.prepare(
    `INSERT INTO requests (ts, run_id, route, client_id, model_asked, model_used, provider, stream, status, http_status,
     error, attempts, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cost_usd, cache_hit, content)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const trimAge = db.prepare('DELETE FROM requests WHERE ts < ?');
  const trimCount = db.prepare('DELETE FROM requests WHERE id <= (SELECT MAX(id) FROM requests) - ?');
  /** One prepared statement per combination of filters asked for (at most 2^5). */
  const selects = new Map<string, Statement>();
  let pending: RequestRecord[] = [];
  let dropped = 0;

  batcher.add({
    write() {
      if (pending.length === 0) return;
      for (const r of pending) insert.run(...toRow(r));
      trimAge.run(now() - retentionMs);
      trimCount.run(maxRows);
    },
    written() {
      pending = [];
    },
  });

  function select(filter: RequestFilter, before: boolean): Statement {
    // `+ts`: the retention cut must not steer the planner to the ts index (it would then sort every row in range).
    const terms: string[] = ['+ts >= ?'];
    for (const field of ['model', 'provider', 'clientId'] as const)
      if (filter[field] !== undefined) terms.push(TERMS[field]);
    if (typeof filter.status === 'number') terms.push('http_status = ?');
    else if (filter.status !== undefined) terms.push('status = ?');
    if (before) terms.push('id < ?');
    const sql = `SELECT * FROM requests WHERE ${terms.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    let statement = selects.get(sql);
    if (statement === undefined) selects.set(sql, (statement = db.prepare<Array<string | number>>(sql)));
    return statement;
  }

  return {
    append(record) {
      if (!Number.isFinite(record.ts)) return;
      if (pending.length >= MAX_PENDING) {
        dropped += 1;
        if (dropped === 1)
          options.logger.warn({ route: record.route }, 'request log: writes are failing; dropping rows');
        return;
      }
      if (dropped > 0) {
        options.logger.warn({ dropped }, 'request log: recording again after dropping rows');
        dropped = 0;
      }
      // A copy: the caller's object may change later, the stored row must not.
      pending.push(copyRequest(record));
      batcher.schedule();
    },
    async list(query) {
      if (query.before !== undefined && !/^\d{1,15}$/.test(query.before)) throw badCursor(query.before);
      batcher.flush();
      const limit = pageSize(query.limit);
      const values: Array<string | number> = [now() - retentionMs];
      for (const field of ['model', 'provider', 'clientId'] as const) {
        const value = query[field];
        if (value !== undefined) values.push(value);
      }
      if (query.status !== undefined) values.push(query.status);
      if (query.before !== undefined) values.push(Number(query.before));
      // One more than a page: when it comes back, there are older rows to list.
      const rows = select(query, query.before !== undefined).all(...values, limit + 1) as Row[];
      const page = rows.slice(0, limit).map(fromRow);
      return rows.length > limit ? { rows: page, next: page[page.length - 1]!.id } : { rows: page };
    },
    async flush() {
      batcher.flush();
    },
  };
}

function toRow(r: RequestRecord): Array<string | number | null> {
  return [
    r.ts,
    r.runId ?? null,
    r.route,
    r.clientId ?? null,
    r.modelAsked ?? null,
    r.modelUsed ?? null,
    r.provider ?? null,
    r.stream ? 1 : 0,
    r.status,
    r.httpStatus,
    r.error ?? null,
    JSON.stringify(r.attempts),
    r.latencyMs,
    r.ttftMs ?? null,
    r.promptTokens,
    r.completionTokens,
    r.costUsd,
    r.cacheHit ? 1 : 0,
    r.content === undefined ? null : JSON.stringify(r.content),
  ];
}

function fromRow(row: Row): StoredRequest {
  const record: StoredRequest = {
    id: String(row.id),
    ts: row.ts,
    route: row.route,
    stream: row.stream === 1,
    status: row.status,
    httpStatus: row.http_status,
    attempts: JSON.parse(row.attempts) as StoredRequest['attempts'],
    latencyMs: row.latency_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.cost_usd,
    cacheHit: row.cache_hit === 1,
  };
  if (row.run_id !== null) record.runId = row.run_id;
  if (row.client_id !== null) record.clientId = row.client_id;
  if (row.model_asked !== null) record.modelAsked = row.model_asked;
  if (row.model_used !== null) record.modelUsed = row.model_used;
  if (row.provider !== null) record.provider = row.provider;
  if (row.error !== null) record.error = row.error;
  if (row.ttft_ms !== null) record.ttftMs = row.ttft_ms;
  if (row.content !== null) record.content = JSON.parse(row.content) as StoredRequest['content'] & object;
  return record;
}
