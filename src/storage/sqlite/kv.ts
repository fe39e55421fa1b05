// SQLite key/value with TTL: sets and deletes wait in memory for the batch (run records and cached responses are
// written per request), reads look there first, then in the table.
import type { KvStore } from '../types.js';
import type { SqliteDatabase } from './database.js';
import type { WriteBatcher } from './write-batcher.js';

/** A pending set (expiresAt undefined: no TTL), or a pending delete (null). */
type Pending = { value: string; expiresAt: number | undefined } | null;

/** How often (on the store's clock) expired rows are deleted. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A KvStore on `db`. `now` is the clock (tests). An expired row reads as absent at once and is deleted by a sweep
 * within a minute; values written in the last tick before a kill -9 are lost (they are caches and health marks).
 */
export function createSqliteKvStore(db: SqliteDatabase, batcher: WriteBatcher, now: () => number = Date.now): KvStore {
  const select = db.prepare('SELECT value, expires_at FROM kv WHERE key = ?');
  const upsert = db.prepare(
    `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const remove = db.prepare('DELETE FROM kv WHERE key = ?');
  const sweep = db.prepare('DELETE FROM kv WHERE expires_at <= ?');
  sweep.run(now());
  const pending = new Map<string, Pending>();
  let lastSweep = now();

  batcher.add({
    write() {
      for (const [key, entry] of pending) {
        if (entry === null) remove.run(key);
        else upsert.run(key, entry.value, entry.expiresAt ?? null);
      }
      const at = now();
      if (at - lastSweep >= SWEEP_EVERY_MS) {
        sweep.run(at);
        lastSweep = at;
      }
    },
    written() {
      pending.clear();
    },
  });

  const change = (key: string, entry: Pending) => {
    // Re-inserted, so the map's order stays the order of the latest changes (it is written in that order).
    pending.delete(key);
    pending.set(key, entry);
    batcher.schedule();
  };

  return {
    async get(key) {
      const at = now();
      if (pending.has(key)) {
        const entry = pending.get(key);
        return entry === null || entry === undefined || (entry.expiresAt !== undefined && entry.expiresAt <= at)
          ? undefined
          : entry.value;
      }
      const row = select.get(key) as { value: string; expires_at: number | null } | undefined;
      if (row === undefined || (row.expires_at !== null && row.expires_at <= at)) return undefined;
      return row.value;
    },
    async set(key, value, ttlMs) {
      // A TTL of 0 or less has already run out: the value is gone at once (as the Redis backend does).
      if (ttlMs !== undefined && ttlMs <= 0) change(key, null);
      else change(key, { value, expiresAt: ttlMs === undefined ? undefined : now() + Math.ceil(ttlMs) });
    },
    async delete(key) {
      change(key, null);
    },
  };
}
