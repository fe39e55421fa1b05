// SQLite sliding windows: the memory store counts (reads and checks never touch disk), and the bucket counts it
// changes are written behind in the batch, so per-minute and per-day counts survive a restart.
import { createMemoryWindowStore, type WindowBucketRow } from '../memory/windows.js';
import type { WindowStore } from '../types.js';
import { expiresAt } from '../window-buckets.js';
import type { SqliteDatabase } from './database.js';
import type { WriteBatcher } from './write-batcher.js';

/** How often (wall clock) the rows of buckets that no longer count anywhere are deleted. */
const SWEEP_EVERY_MS = 60_000;

interface Row {
  key: string;
  window_ms: number;
  bucket: number;
  count: number;
}

/**
 * A WindowStore for one process on `db`: it loads the buckets that still count at `now()`, then counts in memory.
 * Each changed bucket is saved with its latest count (the last change of a tick wins: one row write per bucket per
 * tick, however many requests it counted), and a bucket back at 0 is deleted. Rows are kept until their bucket stops
 * counting (window-buckets.ts expiresAt), swept by wall clock. A kill -9 loses at most one tick of counts.
 */
export function createSqliteWindowStore(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  now: () => number = Date.now,
): WindowStore {
  const upsert = db.prepare(
    `INSERT INTO windows (key, window_ms, bucket, count, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key, window_ms, bucket) DO UPDATE SET count = excluded.count, expires_at = excluded.expires_at`,
  );
  const remove = db.prepare('DELETE FROM windows WHERE key = ? AND window_ms = ? AND bucket = ?');
  const sweep = db.prepare('DELETE FROM windows WHERE expires_at <= ?');
  sweep.run(now());
  const rows = db.prepare('SELECT key, window_ms, bucket, count FROM windows').all() as Row[];
  const initial = rows.map(
    (row): WindowBucketRow => ({ key: row.key, windowMs: row.window_ms, index: row.bucket, count: row.count }),
  );

  /** The latest count of each changed bucket, by `windowMs:index:key` (a number has no ':', so ids are unique). */
  const dirty = new Map<string, WindowBucketRow>();
  let lastSweep = now();
  batcher.add({
    write() {
      for (const { key, windowMs, index, count } of dirty.values()) {
        if (count > 0) upsert.run(key, windowMs, index, count, expiresAt(index, windowMs));
        else remove.run(key, windowMs, index);
      }
      const at = now();
      if (at - lastSweep >= SWEEP_EVERY_MS) {
        sweep.run(at);
        lastSweep = at;
      }
    },
    written() {
      dirty.clear();
    },
  });
  return createMemoryWindowStore({
    initial,
    onBucket(key, windowMs, index, count) {
      dirty.set(`${windowMs}:${index}:${key}`, { key, windowMs, index, count });
      batcher.schedule();
    },
  });
}
