// createStores without Redis: SQLite in the data directory by default (every store durable across a restart, one
// private database file), memory only when asked; and how SWITCHBOARD_STORE is read.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyCheckpoint, MemorySaver, uuid6 } from '@langchain/langgraph-checkpoint';
import { afterEach, describe, expect, it } from 'vitest';
import { createStores, DEFAULT_DATA_DIR, parseStoreKind, type Stores } from '../../src/storage/index.js';
import { SqliteCheckpointSaver } from '../../src/storage/sqlite/checkpointer.js';
import { DATABASE_FILE } from '../../src/storage/sqlite/database.js';
import { LOCK_FILE } from '../../src/storage/sqlite/instance-lock.js';
import { SetupError } from '../../src/errors.js';
import { silent as logger, tempDataDir } from '../helpers/sqlite.js';
import { run, uniqueId } from './event-log.helpers.js';
import { RULES } from './stats.contract.js';
import { usageRecord } from './usage.contract.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
const keep = (stores: Stores): Stores => (cleanup.push(() => stores.close()), stores);
const temp = () => {
  const dir = tempDataDir('stores');
  cleanup.push(dir.remove);
  return dir.dir;
};

describe('createStores without Redis', () => {
  it('keeps every store in one private SQLite database in the data directory, all there after a restart', async () => {
    const dataDir = temp();
    const now = Date.now();
    const first = createStores({ logger, dataDir });
    expect(first.recordsLocation).toBe(path.join(dataDir, DATABASE_FILE));
    expect(first.checkpointer).toBeInstanceOf(SqliteCheckpointSaver);
    const events = run(uniqueId('run'), 2, { thread_id: 'thread-1' });
    events.forEach((e) => first.eventLog.append(e));
    first.usage.append(usageRecord(now - 1_000, { clientId: 'client-a' }));
    const rpd = { key: 'gemini:key-1:rpd', windowMs: 86_400_000, limit: 3, amount: 1 };
    await first.windows.consume([rpd], now);
    await first.windows.consume([rpd], now);
    await first.stats.record('gemini/flash', { at: now, ok: true, latencyMs: 321 }, RULES);
    await first.records.put('clients', 'c1', 'hash');
    await first.kv.set('run:r1', '{"model":"m"}', 60_000);
    const checkpoint = { ...emptyCheckpoint(), id: uuid6(0) };
    await first.checkpointer.put(
      { configurable: { thread_id: 'thread-1', checkpoint_ns: '' } },
      checkpoint,
      { source: 'loop', step: 0, parents: {} },
      {},
    );
    await first.close(); // SIGTERM's path: what waits for the tick is written first

    // The WAL is folded back in on close; the lock file stays (removing it would race with a process opening it).
    expect(readdirSync(dataDir).sort()).toEqual([DATABASE_FILE, LOCK_FILE]);
    expect(statSync(path.join(dataDir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    const second = keep(createStores({ logger, dataDir }));
    expect(await second.eventLog.read({ threadId: 'thread-1' })).toEqual(events);
    expect((await second.usage.query(0, now)).map((r) => r.clientId)).toEqual(['client-a']);
    expect(await second.windows.total(rpd.key, rpd.windowMs, now)).toBe(2);
    expect((await second.windows.consume([rpd], now)).ok).toBe(true);
    expect((await second.windows.consume([rpd], now)).ok).toBe(false);
    expect((await second.stats.snapshot()).get('gemini/flash')).toMatchObject({ samples: 1, latencyMs: 321 });
    expect(await second.records.get('clients', 'c1')).toBe('hash');
    expect(await second.kv.get('run:r1')).toBe('{"model":"m"}');
    expect((await second.checkpointer.getTuple({ configurable: { thread_id: 'thread-1' } }))?.checkpoint.id).toBe(
      checkpoint.id,
    );
  });

  it('refuses a second instance on the same data directory while the first is open, then lets one in', async () => {
    const dataDir = temp();
    const first = createStores({ logger, dataDir });
    let second: unknown;
    try {
      createStores({ logger, dataDir });
    } catch (err) {
      second = err;
    }
    await first.close();
    expect(second).toBeInstanceOf(SetupError);
    expect((second as Error).message).toContain(`another Switchboard process is using the data directory ${dataDir}`);
    const third = keep(createStores({ logger, dataDir }));
    expect(await third.records.get('clients', 'none')).toBeUndefined();
  });

  it('uses ./.switchboard in the working directory when no data directory is given', async () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-cwd-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    process.chdir(dir);
    try {
      keep(createStores({ logger }));
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(path.join(dir, DEFAULT_DATA_DIR, DATABASE_FILE))).toBe(true);
  });

  it('keeps everything in memory with store: memory, writing only the records file to the data directory', async () => {
    const dataDir = path.join(temp(), 'data');
    const stores = keep(createStores({ logger, dataDir, store: 'memory' }));
    expect(stores.checkpointer).toBeInstanceOf(MemorySaver);
    stores.usage.append(usageRecord(Date.now()));
    await stores.kv.set('k', 'v');
    expect(existsSync(dataDir)).toBe(false);
    await stores.records.put('clients', 'c1', 'hash');
    expect(readdirSync(dataDir)).toEqual(['records.json']);
    expect(stores.recordsLocation).toBe(path.join(dataDir, 'records.json'));
  });
});

describe('parseStoreKind (SWITCHBOARD_STORE)', () => {
  it('reads sqlite and memory, leaves the default to an empty or missing value, and refuses anything else', () => {
    expect([parseStoreKind('sqlite'), parseStoreKind('memory'), parseStoreKind(''), parseStoreKind(undefined)]).toEqual(
      ['sqlite', 'memory', undefined, undefined],
    );
    expect(() => parseStoreKind('redis')).toThrow('SWITCHBOARD_STORE must be sqlite or memory');
    expect(() => parseStoreKind('Memory')).toThrow(/"Memory"/);
  });
});
