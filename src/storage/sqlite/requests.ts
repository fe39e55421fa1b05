// The SQLite request log: one row per request in `requests`, inserted behind in the batch, trimmed by age and count,
// listed newest first through the index of the most selective filter given.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { badCursor, copyRequest, pageSize } from '../request-rows.js';
import type { RequestLogOptions, RequestLogStore, RequestQuery, RequestRecord } from '../types.js';
import type { SqliteDatabase } from './database.js';
import { fromRow, INSERT_COLUMNS, type Row, toRow } from './request-columns.js';
import type { WriteBatcher } from './write-batcher.js';

type Statement = Database.Statement<Array<string | number>>;

/** Rows waiting for a tick beyond which new ones are dropped (and counted): a failing disk cannot exhaust memory. */
const MAX_PENDING = 100_000;
/**
 * How far a filter's matches are counted when choosing the index of a query with several filters, and how many rows
 * of the chosen index one list() walks at most when the others may match few of them.
 */
export const SCAN_WINDOW = 10_000;

/** One equality filter: its column, the index on it, its value. */
interface Term {
  column: string;
  index: string;
  value: string | number;
}

/** The query's filters as index terms. */
function termsOf(query: RequestQuery): Term[] {
  const terms: Term[] = [];
  if (query.clientId !== undefined)
    terms.push({ column: 'client_id', index: 'requests_client', value: query.clientId });
  if (query.model !== undefined) terms.push({ column: 'model_used', index: 'requests_model', value: query.model });
  if (query.provider !== undefined)
    terms.push({ column: 'provider', index: 'requests_provider', value: query.provider });
  if (typeof query.status === 'number')
    terms.push({ column: 'http_status', index: 'requests_http_status', value: query.status });
  else if (query.status !== undefined) terms.push({ column: 'status', index: 'requests_status', value: query.status });
  return terms;
}

/**
 * A RequestLogStore on `db`. append() only queues a copy (no I/O on the request path); each tick inserts the queue
 * in the batch's transaction, then deletes rows whose request arrived before the retention (by ts, indexed) and
 * those beyond maxRows (ids are rowids, so the oldest appended go first). list() flushes first, so it sees every
 * append before it. Row ids are the rowids, as decimal strings. `now` is the clock retention is measured with.
 *
 * Each filter has an index that ends with the rowid, so one filter is a seek and a walk newest first. With several,
 * the planner cannot know which is rarest (a client's few errors, among every client's errors), so list() counts each
 * one's matches up to SCAN_WINDOW on its index and walks the rarest, checking the others on the rows it reads. When
 * even the rarest matches more than that (filters each common, rarely together), the walk stops after SCAN_WINDOW of
 * its rows and the page says where to go on from: it may then hold fewer rows than asked, as on Redis.
 */
export function createSqliteRequestLog(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  options: RequestLogOptions & { logger: Logger },
  now: () => number = Date.now,
): RequestLogStore {
  const maxRows = Math.max(1, Math.floor(options.maxRows));
  const retentionMs = Math.max(0, options.retentionMs);
  const placeholders = INSERT_COLUMNS.split(',')
    .map(() => '?')
    .join(', ');
  const insert = db.prepare(`INSERT INTO requests (${INSERT_COLUMNS}) VALUES (${placeholders})`);
  const trimAge = db.prepare('DELETE FROM requests WHERE ts < ?');
  const trimCount = db.prepare('DELETE FROM requests WHERE id <= (SELECT MAX(id) FROM requests) - ?');
  /** Prepared statements by their SQL (a few dozen shapes at most). */
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) statements.set(sql, (statement = db.prepare<Array<string | number>>(sql)));
    return statement;
  };
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

  /** How many rows older than `before` match `term`, counted up to SCAN_WINDOW. */
  function matches(term: Term, before: number | undefined): number {
    const range = before === undefined ? '' : ' AND id < ?';
    const sql = `SELECT COUNT(*) FROM (SELECT 1 FROM requests INDEXED BY ${term.index} WHERE ${term.column} = ?${range} LIMIT ${SCAN_WINDOW})`;
    const values = before === undefined ? [term.value] : [term.value, before];
    return prepared(sql)
      .pluck()
      .get(...values) as number;
  }

  /** The id of the SCAN_WINDOW-th newest row older than `before` that matches `term` (undefined: fewer match). */
  function windowFloor(term: Term, before: number | undefined): number | undefined {
    const range = before === undefined ? '' : ' AND id < ?';
    const sql = `SELECT id FROM requests INDEXED BY ${term.index} WHERE ${term.column} = ?${range} ORDER BY id DESC LIMIT 1 OFFSET ${SCAN_WINDOW - 1}`;
    return prepared(sql)
      .pluck()
      .get(...(before === undefined ? [term.value] : [term.value, before])) as number | undefined;
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
      const before = query.before === undefined ? undefined : Number(query.before);
      const terms = termsOf(query);
      let floor: number | undefined;
      if (terms.length > 1) {
        const counts = new Map(terms.map((term) => [term, matches(term, before)]));
        terms.sort((a, b) => counts.get(a)! - counts.get(b)!);
        if (counts.get(terms[0]!)! >= SCAN_WINDOW) floor = windowFloor(terms[0]!, before);
      }
      const [walked, ...checked] = terms;
      // `+column`: a term the walk only checks must not steer the planner to its own index (nor must the retention
      // cut to the ts index, which would sort every row in range).
      const where = [
        ...(walked === undefined ? [] : [`${walked.column} = ?`]),
        ...checked.map((term) => `+${term.column} = ?`),
        '+ts >= ?',
        ...(before === undefined ? [] : ['id < ?']),
        ...(floor === undefined ? [] : ['id >= ?']),
        // Rows are in the order requests ended, so none below the lowest id of those that arrived since can match:
        // the walk stops there instead of reading every older row (the ts index finds it, reading the rows since).
        ...(query.since === undefined
          ? []
          : ['id >= (SELECT MIN(id) FROM requests INDEXED BY requests_ts WHERE ts >= ?)']),
      ];
      const indexed = walked === undefined ? '' : ` INDEXED BY ${walked.index}`;
      const sql = `SELECT * FROM requests${indexed} WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
      const values = [
        ...terms.map((term) => term.value),
        Math.max(now() - retentionMs, query.since ?? Number.NEGATIVE_INFINITY),
        ...(before === undefined ? [] : [before]),
        ...(floor === undefined ? [] : [floor]),
        ...(query.since === undefined ? [] : [query.since]),
      ];
      // One more than a page: when it comes back, there are older rows to list.
      const rows = prepared(sql).all(...values, limit + 1) as Row[];
      const page = rows.slice(0, limit).map(fromRow);
      if (rows.length > limit) return { rows: page, next: page[page.length - 1]!.id };
      // The walk stopped at the window's end: the rows below it are still to look at.
      return floor === undefined ? { rows: page } : { rows: page, next: String(floor) };
    },
    async flush() {
      batcher.flush();
    },
  };
}
