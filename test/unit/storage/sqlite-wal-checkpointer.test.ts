// WAL checkpoints on a worker thread: the main connection never checkpoints on its own while the worker runs, the
// worker copies the WAL into the database file, and a worker that fails hands checkpoints back to the main thread.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../../src/storage/sqlite/database.js';
import { LOCK_FILE } from '../../../src/storage/sqlite/instance-lock.js';
import { startWalCheckpointer } from '../../../src/storage/sqlite/wal-checkpointer.js';
import { eventually } from '../../contract/event-log.helpers.js';
import { cleanedPerTest } from '../../helpers/sqlite.js';

const { temp, defer } = cleanedPerTest('wal');

describe('the WAL checkpoint worker', () => {
  it('turns the automatic checkpoint off and copies committed pages into the database file itself', async () => {
    const { file } = temp();
    const db = openDatabase(file);
    const logger = pino({ level: 'silent' });
    // First a worker that will not run before it is closed: a worker due every 20 ms could copy the WAL between the
    // commit and the look at the file on a loaded machine.
    const idle = startWalCheckpointer(db, { logger, everyMs: 3_600_000 });
    defer(() => db.close());
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(file).size;
    const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 5_000; i += 1) insert.run(`k${i}`, 'x'.repeat(1_000));
    })();
    // Committed to the WAL only: the main thread did not copy anything back.
    expect(statSync(file).size).toBe(before);
    await idle.close();
    const worker = startWalCheckpointer(db, { logger, everyMs: 20 });
    await eventually('the worker copied the WAL back', () => statSync(file).size > before + 1_000_000);
    await worker.close();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('gives checkpoints back to the main connection, with one warning, when the worker cannot run', async () => {
    const { file } = temp();
    const db = openDatabase(file);
    defer(() => db.close());
    // The worker opens the database by its file name: gone, it cannot.
    rmSync(file);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    startWalCheckpointer(db, { logger, everyMs: 20 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await eventually(
      'the main connection checkpoints again',
      () => db.pragma('wal_autocheckpoint', { simple: true }) === 1_000,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the WAL checkpoint worker failed');
  });

  it('keeps a process that has nothing else to do alive until the stores are closed, WAL folded in', () => {
    const { dir } = temp();
    const stores = path.join(import.meta.dirname, '../../../src/storage/index.ts');
    // A script whose only work is the stores: once the worker is asked to stop, nothing else holds its event loop.
    const script = `
      import { pino } from 'pino';
      import { createStores } from ${JSON.stringify(stores)};
      const stores = createStores({ logger: pino({ level: 'silent' }), dataDir: process.argv[1] });
      await stores.kv.set('k', 'v', 60000);
      await stores.close();
      console.log('closed');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stdout.trim()).toBe('closed');
    expect(readdirSync(dir).sort()).toEqual([DATABASE_FILE, LOCK_FILE]);
  });
});
