// The EventLog contract: one suite that every backend (memory, Redis) must pass.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog, EventLogOptions } from '../../src/storage/types.js';
import { opaqueEvent } from '../helpers/events.js';
import { collector, event, eventually, range, run, uniqueId, type EventLogBackend } from './event-log.helpers.js';

const BIG: EventLogOptions = { maxEventsPerRun: 10_000, retentionMs: 60 * 60 * 1000 };
/** Small enough to wait for, large enough that a read right after the run ends still finds it. */
const RETENTION_MS = 400;

/** Registers the contract tests of an EventLog backend under `name`. */
export function describeEventLogContract(name: string, backend: EventLogBackend): void {
  describe(`EventLog contract: ${name}`, () => {
    const opened: EventLog[] = [];
    const open = async (options: EventLogOptions = BIG) => {
      const log = await backend.open(options);
      opened.push(log);
      return log;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });
    /** A log already in use (its storage connected), as in a running gateway: appends go out at once. */
    const openInUse = async (options: EventLogOptions = BIG) => {
      const log = await open(options);
      await log.read({ runId: uniqueId('warm-up') });
      return log;
    };

    it("keeps each run's events in seq order, apart from other runs", async () => {
      const log = await open();
      const [a, b] = [uniqueId('a'), uniqueId('b')];
      const runA = run(a, 3, { thread_id: uniqueId('t'), node: 'call' });
      const runB = run(b, 2);
      for (let i = 0; i < 5; i += 1) [runA[i], runB[i]].forEach((e) => e && log.append(e));
      expect(await log.read({ runId: a })).toEqual(runA);
      expect(await log.read({ runId: b })).toEqual(runB);
      expect(await log.read({ runId: uniqueId('nobody') })).toEqual([]);
    });

    it('reads what came after a seq', async () => {
      const log = await open();
      const id = uniqueId('r');
      run(id, 4).forEach((e) => log.append(e));
      expect((await log.read({ runId: id }, 3)).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(await log.read({ runId: id }, 6)).toEqual([]);
      expect((await log.read({ runId: id }, 0)).map((e) => e.seq)).toEqual(range(1, 6));
    });

    it('bounds a run, dropping its oldest events first', async () => {
      const log = await open({ ...BIG, maxEventsPerRun: 50 });
      const id = uniqueId('long');
      for (let seq = 1; seq <= 400; seq += 1) log.append(event(id, seq));
      const seqs = (await log.read({ runId: id })).map((e) => e.seq);
      expect(seqs.length).toBeGreaterThanOrEqual(50);
      expect(seqs.length).toBeLessThanOrEqual(50 + backend.capSlack);
      expect(seqs).toEqual(range(401 - seqs.length, 400));
    });

    it('ignores a repeated seq, and starts a run over when its id is used again', async () => {
      const log = await openInUse();
      const id = uniqueId('r');
      const live = collector();
      await log.follow({ runId: id }, live.listener);
      const first = run(id, 1);
      first.forEach((e) => log.append(e));
      log.append(opaqueEvent({ ...event(id, 2), data: { repeated: true } }));
      await eventually('the first run live', () => live.events.length >= 3);
      expect(await log.read({ runId: id })).toEqual(first);
      const again = run(id, 2, { base: 1_800_000_000_000 });
      again.forEach((e) => log.append(e));
      expect(await log.read({ runId: id })).toEqual(again);
      await eventually('the second run live', () => live.events.length >= 7);
      expect(live.events).toEqual([...first, ...again]);
    });

    it('reads a thread: its runs in start order, each in seq order, afterSeq on the latest run', async () => {
      const log = await open();
      // Ids that sort against start order, so an index ordered by id cannot pass.
      const [thread, a, b] = [uniqueId('t'), uniqueId('zz-first'), uniqueId('aa-second')];
      const runA = run(a, 2, { thread_id: thread, base: 1_000 });
      const runB = run(b, 1, { thread_id: thread, base: 2_000 });
      run(uniqueId('elsewhere'), 1, { thread_id: uniqueId('t') }).forEach((e) => log.append(e));
      // Interleaved: B starts while A still runs.
      [runA[0], runA[1], runB[0], runA[2], runB[1], runA[3], runB[2]].forEach((e) => e && log.append(e));
      expect(await log.read({ threadId: thread })).toEqual([...runA, ...runB]);
      expect(await log.read({ threadId: thread }, 1)).toEqual([...runA, ...runB.slice(1)]);
      expect(await log.read({ threadId: uniqueId('none') })).toEqual([]);
    });

    it('follows a run from before it starts, and only that run', async () => {
      const log = await openInUse();
      const [id, other] = [uniqueId('r'), uniqueId('other')];
      const live = collector();
      await log.follow({ runId: id }, live.listener);
      const mine = run(id, 3);
      const theirs = run(other, 3, { thread_id: uniqueId('t') });
      mine.forEach((e, i) => [e, theirs[i]].forEach((x) => x && log.append(x)));
      await eventually('the whole run live', () => live.events.at(-1)?.type === 'run_finished');
      expect(live.events).toEqual(mine);
    });

    it('follows a thread, including runs that start later', async () => {
      const log = await openInUse();
      const thread = uniqueId('t');
      const live = collector();
      await log.follow({ threadId: thread }, live.listener);
      const runA = run(uniqueId('a'), 2, { thread_id: thread });
      const runB = run(uniqueId('b'), 2, { thread_id: thread, base: 1_800_000_000_000 });
      [...runA, ...run(uniqueId('x'), 1, { thread_id: uniqueId('t') }), ...run(uniqueId('y'), 1), ...runB].forEach(
        (e) => log.append(e),
      );
      await eventually('both runs live', () => live.events.length >= 8);
      expect(live.events).toEqual([...runA, ...runB]);
    });

    it('follow then read gives every event exactly once, deduped by run_id + seq', async () => {
      const log = await openInUse();
      const id = uniqueId('r');
      for (let seq = 1; seq <= 20; seq += 1) log.append(event(id, seq));
      const live = collector();
      const following = log.follow({ runId: id }, live.listener);
      for (let seq = 21; seq <= 40; seq += 1) log.append(event(id, seq)); // while following starts
      await following;
      const stored = await log.read({ runId: id });
      for (let seq = 41; seq <= 60; seq += 1) log.append(event(id, seq));
      await eventually('seq 60 live', () => live.events.at(-1)?.seq === 60);
      const first = live.events[0]?.seq ?? Infinity;
      expect(stored.map((e) => e.seq)).toEqual(range(1, stored.length));
      expect(stored.length).toBeGreaterThanOrEqual(40);
      expect(live.seqs()).toEqual(range(first, 60));
      expect(first).toBeLessThanOrEqual(stored.length + 1); // no gap between what was read and what came live
      const merged = new Map([...stored, ...live.events].map((e) => [`${e.run_id}#${e.seq}`, e]));
      expect([...merged.values()].map((e) => e.seq).sort((x, y) => x - y)).toEqual(range(1, 60));
    });

    it('stops delivering to a follower that unfollowed, and only to it', async () => {
      const log = await openInUse();
      const id = uniqueId('r');
      const [one, two, three] = [collector(), collector(), collector()];
      const stopOne = await log.follow({ runId: id }, one.listener);
      const stopTwo = await log.follow({ runId: id }, two.listener);
      log.append(event(id, 1));
      await eventually('seq 1 on both', () => one.events.length === 1 && two.events.length === 1);
      await stopOne();
      log.append(event(id, 2));
      log.append(event(id, 3));
      await eventually('seq 3 on the second', () => two.events.length === 3);
      expect(one.seqs()).toEqual([1]);
      await stopTwo();
      await log.follow({ runId: id }, three.listener); // following again after everyone left still works
      log.append(event(id, 4));
      await eventually('seq 4 on the third', () => three.events.length === 1);
      expect([one.seqs(), two.seqs(), three.seqs()]).toEqual([[1], [1, 2, 3], [4]]);
    });

    it('keeps delivering when a listener throws, and append never throws', async () => {
      const log = await openInUse();
      const id = uniqueId('r');
      const live = collector();
      await log.follow({ runId: id }, () => {
        throw new Error('a broken follower');
      });
      await log.follow({ runId: id }, live.listener);
      expect(() => run(id, 2).forEach((e) => log.append(e))).not.toThrow();
      await eventually('the run live', () => live.events.length === 4);
      await log.close();
      expect(() => log.append(event(id, 5))).not.toThrow();
    });

    it('drops a finished run retentionMs after it ends, and keeps an unfinished one', async () => {
      const log = await open({ ...BIG, retentionMs: RETENTION_MS });
      const [thread, done, running] = [uniqueId('t'), uniqueId('done'), uniqueId('running')];
      run(done, 1, { thread_id: thread }).forEach((e) => log.append(e));
      [event(running, 1, 'run_started'), event(running, 2)].forEach((e) => log.append(e));
      expect(await log.read({ runId: done })).toHaveLength(3);
      await backend.elapse(RETENTION_MS);
      await eventually('the finished run to expire', async () => (await log.read({ runId: done })).length === 0);
      expect(await log.read({ threadId: thread })).toEqual([]);
      expect(await log.read({ runId: running })).toHaveLength(2);
    });

    // Only backends that share storage across instances (Redis) have a scale-out case; memory is one process.
    if (backend.shared) {
      it('lets another instance follow live and read a run (scale-out)', async () => {
        const [a, b] = [await openInUse(), await openInUse()];
        const [id, thread] = [uniqueId('r'), uniqueId('t')];
        const [byRun, byThread] = [collector(), collector()];
        await b.follow({ runId: id }, byRun.listener);
        await b.follow({ threadId: thread }, byThread.listener);
        const events = run(id, 3, { thread_id: thread });
        events.forEach((e) => a.append(e));
        await eventually('the run on instance B', () => byRun.events.length === 5 && byThread.events.length === 5);
        expect(byRun.events).toEqual(events);
        expect(byThread.events).toEqual(events);
        expect(await b.read({ runId: id })).toEqual(events);
        expect(await b.read({ threadId: thread }, 3)).toEqual(events.slice(3));
      });
    }
  });
}
