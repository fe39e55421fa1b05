// WAL checkpoints off the event loop: a worker thread with its own connection copies the WAL back into the database
// file every second, so that the tick's commit never stops the event loop for the copy and its two fsyncs.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SqliteDatabase } from './database.js';

/** How often the worker checkpoints (wall clock). */
const DEFAULT_EVERY_MS = 1_000;
/** SQLite's own default, which the main connection goes back to if the worker fails. */
const AUTOCHECKPOINT_PAGES = 1_000;

/**
 * The worker, as CommonJS source (run with `eval`, so that it needs no file of its own in src/ and dist/). PASSIVE
 * never waits for the writer: it copies what it can, and the writer restarts the WAL once all of it is copied.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** The worker of one database. */
export interface WalCheckpointer {
  /** Stops the worker and closes its connection (before the main connection closes, so that one can fold the WAL). */
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  logger: Logger;
  /** Default 1 s. */
  everyMs?: number;
}

/**
 * Turns `db`'s automatic checkpoints off and starts the worker that does them instead. Should the worker fail, `db`
 * checkpoints on its own again (on the event loop, as SQLite does by default), with a warning.
 */
export function startWalCheckpointer(db: SqliteDatabase, options: WalCheckpointerOptions): WalCheckpointer {
  const { logger } = options;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module, file: db.name, everyMs: options.everyMs ?? DEFAULT_EVERY_MS },
  });
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  let closing = false;
  let warned = false;
  const fallBack = (reason: string) => {
    if (closing) return;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    if (warned) return;
    warned = true;
    logger.warn({ reason }, 'sqlite: the WAL checkpoint worker failed; checkpointing on the main thread');
  };
  worker.on('message', (message: { error?: string }) => {
    if (message.error !== undefined) fallBack(message.error);
  });
  worker.on('error', (err) => fallBack(err.message));
  const exited = new Promise<void>((resolve) =>
    worker.on('exit', () => {
      fallBack('the worker exited');
      resolve();
    }),
  );
  return {
    async close() {
      closing = true;
      // Held by the worker until it has gone: unref'd, it would let a process with nothing else to do exit here,
      // before the main connection is closed.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
