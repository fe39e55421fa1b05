// The SQLite request log: one row per request in `requests`, inserted behind in the batch, trimmed by age and count,
// listed newest first through the index of the most selective filter given.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { badCursor, pageSize } from '../request-rows.js';
import type { RequestLogOptions, RequestLogStore, RequestQuery } from '../types.js';
import type { SqliteDatabase } from './database.js';
import { fromRow, INSERT_COLUMNS, type Row, type RowValues, toRow } from './request-columns.js';
import { createSinceFloor } from './request-since.js';
import type { WriteBatcher } from './write-batcher.js';

type Statement = Database.Statement<Array<string | number>>;

/** Rows waiting for a tick beyond which new ones are dropped (and counted): a failing disk cannot exhaust memory. */
const MAX_PENDING = 100_000;
/**
 * How far a filter's matches are counted when choosing the index of a query with several filters, and how many rows
 * of the chosen index one list() walks at most when the others may match few of them.
 */
export const SCAN_WINDOW = 10_000;

/**
 * One equality filter: its column, its value, and the index that serves it. Partial indexes (migrations.ts, version 3)
 * serve only some values: `where` is the index's own condition, which the query must state for SQLite to use it.
 */
interface Term {
  column: string;
  value: string | number;
  index?: { name: string; where?: string };
}

/** The query's filters as index terms; a status that most rows have (`ok`, 200) has no index: a walk finds it. */
function termsOf(query: RequestQuery): Term[] {
  const terms: Term[] = [];
  if (query.clientId !== undefined)
    terms.push({ column: 'client_id', value: query.clientId, index: { name: 'requests_client' } });
  if (query.model !== undefined)
    terms.push({ column: 'model_used', value: query.model, index: { name: 'requests_model' } });
  if (query.provider !== undefined)
    terms.push({ column: 'provider', value: query.provider, index: { name: 'requests_provider' } });
  if (typeof query.status === 'number') {
    const index = { name: 'requests_http_status', where: 'http_status <> 200' };
    terms.push({ column: 'http_status', value: query.status, ...(query.status === 200 ? {} : { index }) });
  } else if (query.status !== undefined) {
    const index = { name: 'requests_status', where: "status <> 'ok'" };
    terms.push({ column: 'status', value: query.status, ...(query.status === 'ok' ? {} : { index }) });
  }
  return terms;
}

/** `term`'s conditions on the index that serves it (its partial condition included), for a walk or a count on it. */
function onIndex(term: Term): string {
  return term.index?.where === undefined ? `${term.column} = ?` : `${term.column} = ? AND ${term.index.where}`;
}

/** The FROM of a walk over `term`'s rows: its index, or the table itself (newest first by rowid) when it has none. */
function fromFor(term: Term | undefined): string {
  if (term === undefined) return 'requests';
  return term.index === undefined ? 'requests NOT INDEXED' : `requests INDEXED BY ${term.index.name}`;
}

/**
 * A RequestLogStore on `db`. append() only queues a copy (no I/O on the request path); each tick inserts the queue
 * in the batch's transaction, then deletes rows whose request arrived before the retention (from the oldest rowid on)
 * and those beyond maxRows (ids are rowids, so the oldest appended go first). list() flushes first, so it sees every
 * append before it. Row ids are the rowids, as decimal strings. `now` is the clock retention is measured with.
 *
 * Each filter has an index that ends with the rowid, so one filter is a seek and a walk newest first; but the status
 * most rows have (`ok`, 200), which a walk of the table newest first finds at once, and which it reads at most
 * SCAN_WINDOW rows of per page (a page may come back short, with a cursor, when few rows are `ok`). With several,
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
  // From the oldest row up to the first one still inside the retention (no ts index: rows come in about ts order); a
  // late row of an old request (a long stream) goes with the next trim after its neighbours, and is never listed.
  const trimAge = db.prepare(
    `DELETE FROM requests WHERE id < COALESCE((SELECT id FROM requests WHERE ts >= ? ORDER BY id LIMIT 1),
     (SELECT MAX(id) + 1 FROM requests))`,
  );
  const trimCount = db.prepare('DELETE FROM requests WHERE id <= (SELECT MAX(id) FROM requests) - ?');
  const sinceFloor = createSinceFloor(db);
  /** Prepared statements by their SQL (a few dozen shapes at most). */
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) statements.set(sql, (statement = db.prepare<Array<string | number>>(sql)));
    return statement;
  };
  // Each pending row as its INSERT's values (one flat array, the attempts and content already JSON): what waits up to a
  // tick for its batch survives a scavenge or two, and one array of strings and numbers costs the collector far less
  // to move than the record's object graph (its attempts array, an object per attempt, the content).
  let pending: RowValues[] = [];
  let dropped = 0;

  batcher.add({
    write() {
      if (pending.length === 0) return;
      for (const values of pending) insert.run(...values);
      trimAge.run(now() - retentionMs);
      trimCount.run(maxRows);
    },
    written() {
      pending = [];
    },
  });

  /** How many rows older than `before` match `term`, counted up to SCAN_WINDOW; a term with no index counts as many. */
  function matches(term: Term, before: number | undefined): number {
    if (term.index === undefined) return SCAN_WINDOW;
    const range = before === undefined ? '' : ' AND id < ?';
    const sql = `SELECT COUNT(*) FROM (SELECT 1 FROM ${fromFor(term)} WHERE ${onIndex(term)}${range} LIMIT ${SCAN_WINDOW})`;
    const values = before === undefined ? [term.value] : [term.value, before];
    return prepared(sql)
      .pluck()
      .get(...values) as number;
  }

  /**
   * The id of the SCAN_WINDOW-th newest row older than `before` that matches `term` (undefined: fewer match); for a
   * term with no index, of the SCAN_WINDOW-th newest row: a walk of the table reads no more rows than that per page.
   */
  function windowFloor(term: Term, before: number | undefined): number | undefined {
    const conditions = [
      ...(term.index === undefined ? [] : [onIndex(term)]),
      ...(before === undefined ? [] : ['id < ?']),
    ];
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    const sql = `SELECT id FROM ${fromFor(term.index === undefined ? undefined : term)}${where} ORDER BY id DESC LIMIT 1 OFFSET ${SCAN_WINDOW - 1}`;
    const values = [...(term.index === undefined ? [] : [term.value]), ...(before === undefined ? [] : [before])];
    return prepared(sql)
      .pluck()
      .get(...values) as number | undefined;
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
      // Its values now: the caller's object may change later, the stored row must not.
      pending.push(toRow(record));
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
      } else if (terms[0] !== undefined && terms[0].index === undefined) floor = windowFloor(terms[0], before);
      const [walked, ...checked] = terms;
      // `+column`: a term the walk only checks must not steer the planner to its own index.
      const where = [
        ...(walked === undefined ? [] : [walked.index === undefined ? `${walked.column} = ?` : onIndex(walked)]),
        ...checked.map((term) => `+${term.column} = ?`),
        '+ts >= ?',
        ...(before === undefined ? [] : ['id < ?']),
        ...(floor === undefined ? [] : ['id >= ?']),
        // Rows are in about the order requests ended, so none below sinceFloor's id can match: the walk stops there
        // instead of reading every older row (request-since.ts finds it with no ts index).
        ...(query.since === undefined ? [] : ['id >= ?']),
      ];
      const sql = `SELECT * FROM ${fromFor(walked)} WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
      const values = [
        ...terms.map((term) => term.value),
        Math.max(now() - retentionMs, query.since ?? Number.NEGATIVE_INFINITY),
        ...(before === undefined ? [] : [before]),
        ...(floor === undefined ? [] : [floor]),
        ...(query.since === undefined ? [] : [sinceFloor(query.since)]),
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
