// The database file gives back the room of deleted rows: incremental vacuum (openDatabase turns auto-vacuum to
// INCREMENTAL), run in small steps from the tick.
import type { SqliteDatabase } from './database.js';
import type { BatchSource } from './write-batcher.js';

/** How often (wall clock) the free pages are counted. */
const CHECK_EVERY_MS = 60_000;
/** Free pages tolerated: 1,024 pages (4 MB), or a tenth of the file, whichever is more; inserts reuse them anyway. */
const MIN_FREE_PAGES = 1_024;
/** Pages given back per step at most (8 MB): a step runs in the tick's transaction, on the event loop. */
const PAGES_PER_STEP = 2_048;

export interface VacuumOptions {
  /** Default 60 s. */
  checkEveryMs?: number;
  /** Default 1,024. */
  minFreePages?: number;
  now?: () => number;
}

/**
 * A batch source that, at most once per `checkEveryMs`, gives back up to PAGES_PER_STEP free pages when more than the
 * tolerated number are free (after a retention was lowered, or a burst of rows expired). The file itself shrinks at
 * the next WAL checkpoint.
 */
export function vacuumSource(db: SqliteDatabase, options: VacuumOptions = {}): BatchSource {
  const now = options.now ?? Date.now;
  const every = options.checkEveryMs ?? CHECK_EVERY_MS;
  const minFree = options.minFreePages ?? MIN_FREE_PAGES;
  let lastCheck = now();
  return {
    write() {
      const at = now();
      if (at - lastCheck < every) return;
      lastCheck = at;
      const free = db.pragma('freelist_count', { simple: true }) as number;
      const pages = db.pragma('page_count', { simple: true }) as number;
      if (free <= Math.max(minFree, pages / 10)) return;
      db.pragma(`incremental_vacuum(${Math.min(free, PAGES_PER_STEP)})`);
    },
    written() {},
  };
}
