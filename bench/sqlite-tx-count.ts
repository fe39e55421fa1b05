// Counts what better-sqlite3 does in the process (transactions, statements run inside them, time spent in them), from
// the moment it is imported. As a preload (`node --import`) of the store-cost bench's gateways it writes the totals to
// $BENCH_SQLITE_COUNT_FILE every 100 ms, for the harness to read before and after a phase; both arms (memory and
// SQLite) run with it, so it costs them alike (a tiny file write ten times a second). bench/store-ops.ts imports it.
import { renameSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

/** What the file holds (JSON). */
export interface SqliteCounts {
  /** Outermost transactions committed or rolled back. */
  transactions: number;
  /** Statement runs (`run`) inside those transactions: rows inserted, updated or deleted, roughly. */
  statements: number;
  /** Wall time inside those transactions, ms (synchronous: the event loop waits for it). */
  ms: number;
  /** CPU time (user + system, the whole process) inside them, ms: unlike wall time, not inflated by other work. */
  cpuMs: number;
}

const file = process.env['BENCH_SQLITE_COUNT_FILE'];
const counts: SqliteCounts = { transactions: 0, statements: 0, ms: 0, cpuMs: 0 };

/** The totals so far (a copy). */
export function sqliteCounts(): SqliteCounts {
  return { ...counts };
}
const proto = Database.prototype as unknown as { transaction: (fn: (...args: unknown[]) => unknown) => unknown };
const original = proto.transaction;
let depth = 0;

proto.transaction = function counted(this: Database.Database, fn) {
  const wrapped = (...args: unknown[]) => {
    depth += 1;
    try {
      return fn(...args);
    } finally {
      depth -= 1;
    }
  };
  const tx = original.call(this, wrapped) as (...args: unknown[]) => unknown;
  const outer = (...args: unknown[]) => {
    if (this.inTransaction) return tx(...args);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      return tx(...args);
    } finally {
      const cpu = process.cpuUsage(cpu0);
      counts.transactions += 1;
      counts.ms += performance.now() - t0;
      counts.cpuMs += (cpu.user + cpu.system) / 1000;
    }
  };
  return outer;
};

// Statement is not exported: its prototype is that of any prepared statement.
const probe = new Database(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: (...args: unknown[]) => unknown };
probe.close();
const run = statementProto.run;
statementProto.run = function countedRun(this: unknown, ...args: unknown[]) {
  if (depth > 0) counts.statements += 1;
  return run.apply(this, args);
};

if (file !== undefined) {
  // Written aside, then renamed over: a reader never sees a half-written file.
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(counts));
    renameSync(`${file}.tmp`, file);
  };
  save();
  setInterval(save, 100).unref();
  process.on('exit', save);
}
