// The memory event log: order, the per-run bound, the thread index, retention on an injected clock, live followers.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventType, RunEvent } from '../../../src/events/types.js';
import { createMemoryEventLog, type MemoryEventLogOptions } from '../../../src/storage/memory/event-log.js';
import type { EventLog } from '../../../src/storage/types.js';
import { opaqueEvent } from '../../helpers/events.js';

const ev = (run: string, seq: number, type: EventType = 'token', thread?: string): RunEvent =>
  opaqueEvent({ run_id: run, seq, type, ts: seq, data: {}, ...(thread === undefined ? {} : { thread_id: thread }) });
const ids = (events: RunEvent[]) => events.map((e) => `${e.run_id}#${e.seq}`);

let log: EventLog;
let clock = 0;
function open(options: Partial<MemoryEventLogOptions> = {}): EventLog {
  clock = 1_000;
  log = createMemoryEventLog({
    maxEventsPerRun: 100,
    retentionMs: 500,
    now: () => clock,
    sweepIntervalMs: 0,
    ...options,
  });
  return log;
}
afterEach(() => log.close());

describe('memory event log', () => {
  it('stores each run in seq order and reads after a seq', async () => {
    open();
    for (let seq = 1; seq <= 4; seq++) log.append(ev('a', seq, seq === 1 ? 'run_started' : 'token'));
    log.append(ev('b', 1, 'run_started'));
    expect(ids(await log.read({ runId: 'a' }))).toEqual(['a#1', 'a#2', 'a#3', 'a#4']);
    expect(ids(await log.read({ runId: 'a' }, 2))).toEqual(['a#3', 'a#4']);
    expect(ids(await log.read({ runId: 'a' }, 4))).toEqual([]);
    expect(await log.read({ runId: 'nobody' })).toEqual([]);
  });

  it('keeps the newest maxEventsPerRun events of a run, dropping the oldest', async () => {
    open({ maxEventsPerRun: 10 });
    for (let seq = 1; seq <= 1_000; seq++) log.append(ev('a', seq));
    const kept = await log.read({ runId: 'a' });
    expect(kept.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 991 + i));
    expect((await log.read({ runId: 'a' }, 995)).map((e) => e.seq)).toEqual([996, 997, 998, 999, 1000]);
  });

  it('indexes the runs of a thread in start order; after_seq applies to the latest run', async () => {
    open();
    log.append(ev('r1', 1, 'run_started', 't'));
    log.append(ev('other', 1, 'run_started', 'u'));
    log.append(ev('r2', 1, 'run_started', 't'));
    log.append(ev('r1', 2, 'run_finished', 't'));
    log.append(ev('r2', 2, 'token', 't'));
    log.append(ev('r2', 3, 'token', 't'));
    expect(ids(await log.read({ threadId: 't' }))).toEqual(['r1#1', 'r1#2', 'r2#1', 'r2#2', 'r2#3']);
    expect(ids(await log.read({ threadId: 't' }, 2))).toEqual(['r1#1', 'r1#2', 'r2#3']);
    expect(ids(await log.read({ threadId: 'u' }))).toEqual(['other#1']);
  });

  it('drops a run retentionMs after it finishes or fails, and only then', async () => {
    open();
    log.append(ev('done', 1, 'run_started', 't'));
    log.append(ev('done', 2, 'run_finished', 't'));
    log.append(ev('failed', 1, 'run_started', 't'));
    clock += 100;
    log.append(ev('failed', 2, 'run_failed', 't'));
    log.append(ev('running', 1, 'run_started', 't'));
    clock += 399;
    expect(ids(await log.read({ threadId: 't' }))).toEqual(['done#1', 'done#2', 'failed#1', 'failed#2', 'running#1']);
    clock += 1;
    expect(await log.read({ runId: 'done' })).toEqual([]);
    expect(ids(await log.read({ threadId: 't' }))).toEqual(['failed#1', 'failed#2', 'running#1']);
    clock += 100;
    expect(ids(await log.read({ threadId: 't' }))).toEqual(['running#1']);
    clock += 1_000_000;
    expect(ids(await log.read({ runId: 'running' }))).toEqual(['running#1']);
  });

  it('sweeps expired runs on its own while idle', async () => {
    let now = 0;
    log = createMemoryEventLog({ maxEventsPerRun: 10, retentionMs: 5, now: () => now, sweepIntervalMs: 5 });
    log.append(ev('a', 1, 'run_finished', 't'));
    // Bounded polling: the clock reads 10 (expired) between polls and 0 (not expired) while read(), which also sweeps,
    // runs; so the run can only have gone through the interval timer.
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      now = 10;
      await new Promise((resolve) => setTimeout(resolve, 10));
      now = 0;
      gone = (await log.read({ runId: 'a' })).length === 0;
    }
    expect(gone).toBe(true);
  });

  it('starts a run over when its id is used again, and ignores repeated events', async () => {
    open();
    log.append(ev('a', 1, 'run_started'));
    log.append(ev('a', 2));
    log.append(ev('a', 2));
    expect(ids(await log.read({ runId: 'a' }))).toEqual(['a#1', 'a#2']);
    log.append(ev('a', 1, 'run_started'));
    expect(ids(await log.read({ runId: 'a' }))).toEqual(['a#1']);
  });

  it('keeps at most maxRuns runs, dropping the one that started first', async () => {
    open({ maxRuns: 2 });
    log.append(ev('a', 1, 'run_started', 't'));
    log.append(ev('b', 1, 'run_started', 't'));
    log.append(ev('c', 1, 'run_started', 't'));
    expect(ids(await log.read({ threadId: 't' }))).toEqual(['b#1', 'c#1']);
  });

  it('delivers live events to followers of a run or a thread, including runs that start later, until unfollowed', async () => {
    open();
    const byRun: RunEvent[] = [];
    const byThread: RunEvent[] = [];
    const stopRun = await log.follow({ runId: 'later' }, (e) => byRun.push(e));
    const stopThread = await log.follow({ threadId: 't' }, (e) => byThread.push(e));
    await log.follow({ threadId: 't' }, () => {
      throw new Error('a broken follower');
    });
    log.append(ev('first', 1, 'run_started', 't'));
    log.append(ev('later', 1, 'run_started', 't'));
    log.append(ev('elsewhere', 1, 'run_started', 'u'));
    log.append(ev('later', 2, 'token', 't'));
    await stopRun();
    log.append(ev('later', 3, 'run_finished', 't'));
    await stopThread();
    log.append(ev('first', 2, 'run_finished', 't'));
    expect(ids(byRun)).toEqual(['later#1', 'later#2']);
    expect(ids(byThread)).toEqual(['first#1', 'later#1', 'later#2', 'later#3']);
  });

  it('lets one listener follow twice, each unfollow removing only its own', async () => {
    open();
    const seen: RunEvent[] = [];
    const listener = (e: RunEvent) => seen.push(e);
    const stopA = await log.follow({ runId: 'a' }, listener);
    await log.follow({ runId: 'a' }, listener);
    log.append(ev('a', 1));
    await stopA();
    log.append(ev('a', 2));
    expect(ids(seen)).toEqual(['a#1', 'a#1', 'a#2']);
  });
});
