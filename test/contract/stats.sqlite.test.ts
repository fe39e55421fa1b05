// The StatsStore contract against the SQLite backend, and what only it has: updates are applied in memory and written
// once per tick, and every model's record (averages, counts, prune state) survives a restart on the same file.
import { describe, expect, it } from 'vitest';
import { createSqliteStatsStore } from '../../src/storage/sqlite/stats.js';
import { onFreshDatabase, openTestDatabase, cleanedPerTest } from '../helpers/sqlite.js';
import { describeStatsStoreContract, mixedUpdates, RULES, T0 } from './stats.contract.js';

describeStatsStoreContract('sqlite', {
  open: async (options) => onFreshDatabase('stats', (db, batcher) => createSqliteStatsStore(db, batcher, options)),
});

describe('SQLite StatsStore', () => {
  const { temp: tempDir, defer } = cleanedPerTest();

  it('writes each changed model once per tick, and reads back every record exactly after a restart', async () => {
    const temp = tempDir('stats');
    const first = openTestDatabase(temp.file);
    const stats = createSqliteStatsStore(first.db, first.batcher, { alpha: 0.3 });
    for (const update of mixedUpdates(40)) await stats.record('a/mixed', update, RULES);
    for (let i = 0; i < 4; i += 1) await stats.record('b/bad', { at: T0 + i, ok: false }, RULES);
    expect(first.db.prepare('SELECT COUNT(*) FROM stats').pluck().get()).toBe(0);
    first.batcher.flush();
    expect(first.db.prepare('SELECT ref FROM stats ORDER BY ref').pluck().all()).toEqual(['a/mixed', 'b/bad']);
    const before = await stats.snapshot();
    expect(before.get('b/bad')).toMatchObject({ pruneReason: 'success_rate', prunedUntil: T0 + 3 + RULES.coolDownMs });
    await stats.record('a/mixed', { at: T0 + 900_000, ok: true, latencyMs: 123.456 }, RULES);
    const last = (await stats.snapshot()).get('a/mixed');
    first.close(); // flushes the last update

    const second = openTestDatabase(temp.file);
    defer(second.close);
    const reopened = createSqliteStatsStore(second.db, second.batcher, { alpha: 0.3 });
    const after = await reopened.snapshot();
    expect(after.get('a/mixed')).toEqual(last);
    // The bandit's per-task evidence among it.
    expect(Object.keys(after.get('a/mixed')!.arms ?? {}).sort()).toEqual(['chat', 'code']);
    expect(after.get('b/bad')).toEqual(before.get('b/bad'));
    // Still pruned after the restart, until its cool-down ends.
    expect(await reopened.record('b/bad', { at: T0 + 10, ok: true }, RULES)).toMatchObject({
      pruneReason: 'success_rate',
    });
  });

  it('forgets a model not updated for ttlMs: gone from snapshots and the table, started afresh, and at a restart', async () => {
    const temp = tempDir('stats');
    let clock = T0;
    const first = openTestDatabase(temp.file);
    const stats = createSqliteStatsStore(first.db, first.batcher, { ttlMs: 1_000 }, () => clock);
    await stats.record('a/old', { at: clock, ok: true, latencyMs: 100 });
    await stats.record('a/old', { at: clock, ok: true, latencyMs: 100 });
    clock += 600;
    await stats.record('b/new', { at: clock, ok: true, latencyMs: 200 });
    clock += 600;
    expect([...(await stats.snapshot()).keys()]).toEqual(['b/new']);
    first.batcher.flush();
    expect(first.db.prepare('SELECT ref FROM stats').pluck().all()).toEqual(['b/new']);
    expect(await stats.record('a/old', { at: clock, ok: true, latencyMs: 300 })).toMatchObject({ samples: 1 });
    first.close();

    clock += 700; // b/new last updated 1,300 ms ago, a/old 700 ms ago
    const second = openTestDatabase(temp.file);
    defer(second.close);
    const reopened = createSqliteStatsStore(second.db, second.batcher, { ttlMs: 1_000 }, () => clock);
    expect(second.db.prepare('SELECT ref FROM stats').pluck().all()).toEqual(['a/old']);
    expect((await reopened.snapshot()).get('a/old')).toMatchObject({ samples: 1, latencyMs: 300 });
  });
});
