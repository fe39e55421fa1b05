// SQLite locks: one row per held lock (name, holder's token, expiry), taken and released by single statements.
import { randomUUID } from 'node:crypto';
import type { Lease, LockStore } from '../types.js';
import type { SqliteDatabase } from './database.js';

/**
 * A LockStore on `db`, written at once (not batched: a lock is taken once per agent run, and a lock must hold for
 * every process on the file). Each operation is one statement, atomic in SQLite, so processes sharing the database
 * exclude each other too; a lease left by a process that died expires with its TTL. `now` is the clock (tests).
 */
export function createSqliteLockStore(db: SqliteDatabase, now: () => number = Date.now): LockStore {
  // Inserts the lock, or takes over a row whose lease has expired; one row changed means it was taken.
  const acquire = db.prepare(
    `INSERT INTO locks (name, token, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
     WHERE locks.expires_at <= ?`,
  );
  const release = db.prepare('DELETE FROM locks WHERE name = ? AND token = ?');
  const extend = db.prepare('UPDATE locks SET expires_at = ? WHERE name = ? AND token = ? AND expires_at > ?');
  db.prepare('DELETE FROM locks WHERE expires_at <= ?').run(now());
  return {
    async tryAcquire(name, ttlMs) {
      const token = randomUUID();
      const at = now();
      if (acquire.run(name, token, at + ttlMs, at).changes === 0) return undefined;
      const lease: Lease = {
        async release() {
          release.run(name, token);
        },
        async extend(extendMs) {
          const time = now();
          return extend.run(time + extendMs, name, token, time).changes === 1;
        },
      };
      return lease;
    },
  };
}
