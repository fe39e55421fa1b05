// The EventLog contract against the SQLite backend on an injected clock, and what only it has: appends wait for the
// tick, a run's events (and its thread, its end) can be read back after a restart, and retention and bounds hold there.
import { describe, expect, it } from 'vitest';
import { createSqliteEventLog } from '../../src/storage/sqlite/event-log.js';
import { onFreshDatabase, openTestDatabase, silent, cleanedPerTest } from '../helpers/sqlite.js';
import { describeEventLogContract } from './event-log.contract.js';
import { event, run, uniqueId } from './event-log.helpers.js';

let clock = 1_700_000_000_000;

describeEventLogContract('sqlite', {
  open: async (options) =>
    onFreshDatabase('events', (db, batcher) =>
      createSqliteEventLog(db, batcher, { ...options, logger: silent, now: () => clock }),
    ),
  shared: false,
  capSlack: 0,
  elapse: async (ms) => {
    clock += ms;
  },
});

describe('SQLite EventLog', () => {
  const { temp: tempDir, defer } = cleanedPerTest();
  const options = { maxEventsPerRun: 50, retentionMs: 60_000, logger: silent, sweepIntervalMs: 0 };

  it('reads runs and threads back after a restart, with retention and repeats decided as before it', async () => {
    const temp = tempDir('events');
    let now = 1_000_000;
    const [thread, done, running, long] = [uniqueId('t'), uniqueId('done'), uniqueId('running'), uniqueId('long')];
    const first = openTestDatabase(temp.file);
    const log = createSqliteEventLog(first.db, first.batcher, { ...options, now: () => now });
    const finished = run(done, 2, { thread_id: thread });
    finished.forEach((e) => log.append(e));
    [event(running, 1, 'run_started', { thread_id: thread }), event(running, 2)].forEach((e) => log.append(e));
    for (let seq = 1; seq <= 120; seq += 1) log.append(event(long, seq));
    expect(first.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(0); // waiting for the tick
    await log.close();
    first.close();

    const second = openTestDatabase(temp.file);
    defer(second.close);
    const reopened = createSqliteEventLog(second.db, second.batcher, { ...options, now: () => now });
    expect(await reopened.read({ runId: done })).toEqual(finished);
    expect((await reopened.read({ threadId: thread })).map((e) => [e.run_id, e.seq])).toEqual([
      ...finished.map((e) => [done, e.seq]),
      [running, 1],
      [running, 2],
    ]);
    expect((await reopened.read({ runId: long })).map((e) => e.seq)).toEqual([...Array(50).keys()].map((i) => 71 + i));
    // A seq stored before the restart is still a repeat; the running run goes on where it was.
    reopened.append(event(running, 2, 'token', { data: { repeated: true } }));
    reopened.append(event(running, 3, 'run_finished'));
    expect((await reopened.read({ runId: running }, 1)).map((e) => [e.seq, e.data])).toEqual([
      [2, event(running, 2).data],
      [3, event(running, 3).data],
    ]);
    now += 60_000;
    expect(await reopened.read({ threadId: thread })).toEqual([]);
    expect(second.db.prepare('SELECT COUNT(*) FROM event_runs').pluck().get()).toBe(1); // the long run, unfinished
  });
});
