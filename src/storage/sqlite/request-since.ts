// The lowest row id a request that arrived at or after a time can have in the SQLite request log, found without a ts
// index (schema version 3 has none): a binary search on the rowid by the time each row's request ended.
import type { SqliteDatabase } from './database.js';

/**
 * How far out of order the rows' end times may be. A row is inserted when its request ends, so its end (ts, when it
 * arrived, plus its latency) grows with its id, but only about: ts is the wall clock, the latency a monotonic one
 * rounded to the millisecond, and a wall clock may be slewed or stepped. A margin only widens the range a list walks
 * (its `ts >= since` condition stays exact); 10 s of rows is a few milliseconds of reading at 1,000 requests a second.
 */
export const ORDER_SLACK_MS = 10_000;

/**
 * Returns `floor(since)`: an id at or below that of every row whose request arrived at or after `since`, and close to
 * the lowest such id (rows from about ORDER_SLACK_MS before it on), or one past the newest row when none can match.
 *
 * Why a binary search rather than a walk from the newest row down while rows are recent enough: the walk reads every
 * row since `since`, which is what a live tail polling every few seconds needs, but the console also asks for the
 * last 7 days, and on a million-row table the walk would read most of it before the list even starts. The search
 * reads about 2·log2(rows) rows (some 40 for a million) wherever `since` falls; each is a seek on the rowid.
 *
 * Why by end time and not by ts: a long stream's row comes after rows of requests that arrived after it, so ts is not
 * ordered by id, and a search by ts could land above a row that arrived at or after `since`. Every such row ended at
 * or after `since` too (latency is not negative), and ends are ordered by id up to ORDER_SLACK_MS. The search keeps
 * `low` on a row that ended before `since - ORDER_SLACK_MS`: every row below it then ended before `since`, so arrived
 * before it, and the answer (the id just above `low`'s row) is a true floor.
 */
export function createSinceFloor(db: SqliteDatabase): (since: number) => number {
  // Two statements: SQLite reads MIN or MAX alone off the end of the rowid b-tree, but both in one SELECT by a scan.
  const oldestId = db.prepare('SELECT MIN(id) FROM requests').pluck();
  const newestId = db.prepare('SELECT MAX(id) FROM requests').pluck();
  // The first row at or after an id, with its end time; the columns read come before the row's long ones.
  const rowFrom = db.prepare('SELECT id, ts + latency_ms AS ended FROM requests WHERE id >= ? ORDER BY id LIMIT 1');
  const endOf = (id: number) => rowFrom.get(id) as { id: number; ended: number } | undefined;

  return (since) => {
    const target = since - ORDER_SLACK_MS;
    const oldest = oldestId.get() as number | null;
    const newest = newestId.get() as number | null;
    if (oldest === null || newest === null) return 1;
    if (endOf(oldest)!.ended >= target) return oldest;
    if (endOf(newest)!.ended < target) return newest + 1;
    // `low` is a row that ended before the target; `high` is a row that ended at or after it, or an id with no row
    // between `low` and it (ids may have gaps).
    let low = oldest;
    let high = newest;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      const row = endOf(middle);
      if (row === undefined || row.id >= high) high = middle;
      else if (row.ended < target) low = row.id;
      else high = row.id;
    }
    return high;
  };
}
