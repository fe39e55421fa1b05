// Every store of an instance on one SQLite database in the data directory (the embedded default backend).
import path from 'node:path';
import type { Logger } from 'pino';
import type { EventLogOptions, RequestLogOptions, Stores, UsageStoreOptions } from '../types.js';
import { SqliteCheckpointSaver } from './checkpointer.js';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from './database.js';
import { createSqliteEventLog } from './event-log.js';
import { lockDataDir } from './instance-lock.js';
import { createSqliteKvStore } from './kv.js';
import { createSqliteLockStore } from './locks.js';
import { createSqliteRecordStore, importRecordsFile } from './records.js';
import { createSqliteRequestLog } from './requests.js';
import { createSqliteStatsStore } from './stats.js';
import { createSqliteUsageStore } from './usage.js';
import { vacuumSource } from './vacuum.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { createSqliteWindowStore } from './windows.js';
import { createWriteBatcher } from './write-batcher.js';

/** What createSqliteStores needs (createStores fills in the defaults). */
export interface SqliteStoresOptions {
  /** The directory of the database file (created, mode 0700, when missing). */
  dataDir: string;
  logger: Logger;
  events: EventLogOptions;
  usage: UsageStoreOptions;
  requests: RequestLogOptions;
  /** An agent thread's checkpoints are deleted this long after its last write (0 or undefined: never). */
  checkpointTtlMs?: number;
  /** Longest wait of a per-request write before it is written (default 200 ms). */
  batchIntervalMs?: number;
}

/**
 * Takes the data directory's lock (one process per directory: instance-lock.ts), then opens
 * `<dataDir>/switchboard.db` (running its migrations, importing a records.json once) and builds every store on
 * that one handle. Usage, the request log, windows, stats, kv and events are written behind, one transaction per tick;
 * records, locks and checkpoints are committed before their call resolves. WAL checkpoints run on a worker thread
 * (wal-checkpointer.ts). close() flushes, then closes the database.
 */
export function createSqliteStores(options: SqliteStoresOptions): Stores {
  const { dataDir, logger } = options;
  const file = path.join(dataDir, DATABASE_FILE);
  // Before the database is opened (migrations, the records import): a second process stops here.
  const lock = lockDataDir(dataDir);
  let db: SqliteDatabase;
  try {
    db = openDatabase(file);
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    importRecordsFile(db, dataDir, logger);
    const batcher = createWriteBatcher(db, {
      logger,
      ...(options.batchIntervalMs === undefined ? {} : { intervalMs: options.batchIntervalMs }),
    });
    batcher.add(vacuumSource(db));
    const eventLog = createSqliteEventLog(db, batcher, { ...options.events, logger });
    const ttl = options.checkpointTtlMs === undefined ? {} : { ttlMs: options.checkpointTtlMs };
    const stores = {
      eventLog,
      checkpointer: new SqliteCheckpointSaver(db, ttl),
      locks: createSqliteLockStore(db),
      windows: createSqliteWindowStore(db, batcher),
      kv: createSqliteKvStore(db, batcher),
      records: createSqliteRecordStore(db),
      recordsLocation: file,
      usage: createSqliteUsageStore(db, batcher, { ...options.usage, logger }),
      requests: createSqliteRequestLog(db, batcher, { ...options.requests, logger }),
      stats: createSqliteStatsStore(db, batcher),
    };
    // Last: nothing after it can fail and leave the worker running.
    const walCheckpoints = startWalCheckpointer(db, { logger });
    return {
      ...stores,
      async ping() {
        if (!db.open) throw new Error(`the database ${file} is closed`);
      },
      async close() {
        if (!db.open) return;
        await eventLog.close();
        batcher.close();
        // The worker's connection first: the last connection to close folds the WAL back in and removes it.
        await walCheckpoints.close();
        db.close();
        lock.release();
      },
    };
  } catch (err) {
    db.close();
    lock.release();
    throw err;
  }
}
