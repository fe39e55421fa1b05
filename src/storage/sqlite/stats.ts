// SQLite live stats: the memory store applies every update (the router reads from memory), and the records it
// changes are written behind in the batch, so what the router learned survives a restart; a model not updated for the
// stats TTL (30 days by default) is forgotten, in memory and in the table, as its hash expires in Redis.
import { createMemoryStatsStore } from '../memory/stats.js';
import { DEFAULT_STATS_TTL_MS } from '../ewma.js';
import type { ModelStatsRecord, StatsStore, StatsStoreOptions } from '../types.js';
import type { SqliteDatabase } from './database.js';
import type { WriteBatcher } from './write-batcher.js';

interface Row {
  ref: string;
  record: string;
  updated_at: number;
}

/**
 * A StatsStore for one process on `db`: records are loaded at open (those updated within the TTL; older rows are
 * deleted), then updated in memory with the rules of ewma.ts. Each changed model's record is saved whole (as JSON:
 * doubles round-trip exactly) once per tick, whatever number of updates it had; prune state included, so a pruned
 * model stays out after a restart until its cool-down ends. A record the memory store forgets is deleted at the tick.
 */
export function createSqliteStatsStore(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  options: StatsStoreOptions = {},
  now: () => number = Date.now,
): StatsStore {
  const ttlMs = options.ttlMs ?? DEFAULT_STATS_TTL_MS;
  const upsert = db.prepare(
    `INSERT INTO stats (ref, record, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (ref) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare('DELETE FROM stats WHERE ref = ?');
  db.prepare('DELETE FROM stats WHERE updated_at <= ?').run(now() - ttlMs);
  const initial: Array<[string, ModelStatsRecord, number]> = [];
  for (const row of db.prepare('SELECT ref, record, updated_at FROM stats').all() as Row[]) {
    const record = parseRecord(row.record);
    if (record !== undefined) initial.push([row.ref, record, row.updated_at]);
  }
  /** The latest record of each model changed since the last write; the memory store never changes a record in place. */
  const dirty = new Map<string, { record: ModelStatsRecord; at: number }>();
  /** Models forgotten since the last write. */
  const expired = new Set<string>();
  batcher.add({
    write() {
      for (const ref of expired) remove.run(ref);
      for (const [ref, { record, at }] of dirty) upsert.run(ref, JSON.stringify(record), at);
    },
    written() {
      expired.clear();
      dirty.clear();
    },
  });
  return createMemoryStatsStore(
    options,
    {
      initial,
      onRecord(ref, record) {
        expired.delete(ref);
        dirty.set(ref, { record, at: now() });
        batcher.schedule();
      },
      onExpire(ref) {
        dirty.delete(ref);
        expired.add(ref);
        batcher.schedule();
      },
    },
    now,
  );
}

/** A stored record, or undefined for a row that is not one (skipped: the model starts afresh). */
function parseRecord(text: string): ModelStatsRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && typeof (value as ModelStatsRecord).samples === 'number') {
      return value as ModelStatsRecord;
    }
  } catch {
    // fall through: unreadable
  }
  return undefined;
}
