// SQLite live stats: the memory store applies every update (the router reads from memory), and the records it
// changes are written behind in the batch, so what the router learned survives a restart.
import { createMemoryStatsStore } from '../memory/stats.js';
import type { ModelStatsRecord, StatsStore, StatsStoreOptions } from '../types.js';
import type { SqliteDatabase } from './database.js';
import type { WriteBatcher } from './write-batcher.js';

interface Row {
  ref: string;
  record: string;
}

/**
 * A StatsStore for one process on `db`: records are loaded at open, then updated in memory with the rules of ewma.ts.
 * Each changed model's record is saved whole (as JSON: doubles round-trip exactly) once per tick, whatever number of
 * updates it had; prune state included, so a pruned model stays out after a restart until its cool-down ends.
 */
export function createSqliteStatsStore(
  db: SqliteDatabase,
  batcher: WriteBatcher,
  options: StatsStoreOptions = {},
  now: () => number = Date.now,
): StatsStore {
  const upsert = db.prepare(
    `INSERT INTO stats (ref, record, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (ref) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
  );
  const initial: Array<[string, ModelStatsRecord]> = [];
  for (const row of db.prepare('SELECT ref, record FROM stats').all() as Row[]) {
    const record = parseRecord(row.record);
    if (record !== undefined) initial.push([row.ref, record]);
  }
  /** The latest record of each model changed since the last write; the memory store never changes a record in place. */
  const dirty = new Map<string, ModelStatsRecord>();
  batcher.add({
    write() {
      const at = now();
      for (const [ref, record] of dirty) upsert.run(ref, JSON.stringify(record), at);
    },
    written() {
      dirty.clear();
    },
  });
  return createMemoryStatsStore(options, {
    initial,
    onRecord(ref, record) {
      dirty.set(ref, record);
      batcher.schedule();
    },
  });
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
