// Write-behind for the per-request stores: changes wait in memory and go to SQLite in one transaction per tick.
//
// A store keeps its pending changes itself (the newest count of a bucket, the records to insert...) and registers as
// a source; it calls schedule() when it has some. Within `intervalMs` the batcher runs every source's write() in one
// transaction, then tells each source it was written so it forgets what it held. When the transaction fails (disk
// full, another process holding the lock past the busy timeout) nothing is forgotten: the next tick tries again,
// and the failure is logged once per outage. The timer is unref'd, so a pending tick never keeps the process alive;
// close() (and any read that must see every write) flushes at once.
import type { Logger } from 'pino';
import type { SqliteDatabase } from './database.js';

/** A store's pending changes, as the batcher sees them. */
export interface BatchSource {
  /** Writes every pending change; runs inside the batch's transaction, so it must be synchronous. */
  write(): void;
  /** The transaction committed: drop what write() wrote. */
  written(): void;
}

/** Batches the writes of several stores on one database. */
export interface WriteBatcher {
  /** Adds a source; its changes go out with every flush from now on. */
  add(source: BatchSource): void;
  /** Asks for a flush within the interval (once per tick, however many changes ask). */
  schedule(): void;
  /** Writes every source's pending changes now, in one transaction. Never throws: failures are logged and retried. */
  flush(): void;
  /** Flushes, then stops: later schedules do nothing. */
  close(): void;
}

export interface WriteBatcherOptions {
  /** Longest wait of a change before it is written (default 200 ms): what a kill -9 may lose at most. */
  intervalMs?: number;
  logger: Logger;
}

/**
 * The default tick: 200 ms rather than 100 halves the commits' share of a request (a commit writes each page it
 * touched once, whatever number of rows it carries: 0.2 instead of 0.3 WAL pages per request at 1,000 requests a
 * second, docs/BENCHMARKS.md), at the price of twice the writes a kill -9 may lose.
 */
const DEFAULT_BATCH_INTERVAL_MS = 200;

/** Creates the batcher of `db`. */
export function createWriteBatcher(db: SqliteDatabase, options: WriteBatcherOptions): WriteBatcher {
  const intervalMs = options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
  const sources: BatchSource[] = [];
  const writeAll = db.transaction(() => {
    for (const source of sources) source.write();
  });
  let timer: NodeJS.Timeout | undefined;
  let failing = 0;
  let closed = false;

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!db.open) return;
    try {
      writeAll();
    } catch (err) {
      failing += 1;
      if (failing === 1)
        options.logger.error({ err }, 'sqlite: a batch of writes failed; keeping it and retrying every tick');
      if (!closed) schedule();
      return;
    }
    for (const source of sources) source.written();
    if (failing > 0) options.logger.warn({ failed: failing }, 'sqlite: batched writes succeed again');
    failing = 0;
  }

  function schedule(): void {
    if (timer !== undefined || closed) return;
    timer = setTimeout(flush, intervalMs);
    timer.unref();
  }

  return {
    add: (source) => void sources.push(source),
    schedule,
    flush,
    close() {
      if (closed) return;
      closed = true;
      flush();
    },
  };
}
