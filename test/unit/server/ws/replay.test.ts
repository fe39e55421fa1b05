// Replay plans: a subscription replays what is stored after its cursor and floors its live tail there.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../src/events/types.js';
import { planReplay } from '../../../../src/server/ws/replay.js';
import { opaqueEvent } from '../../../helpers/events.js';

const ev = (run: string, seq: number): RunEvent =>
  opaqueEvent({ run_id: run, thread_id: 't', seq, type: 'token', ts: 0, data: {} });
const thread = [ev('r1', 1), ev('r1', 2), ev('r2', 1), ev('r2', 2), ev('r3', 1), ev('r3', 2), ev('r3', 3)];
const ids = (events: RunEvent[]) => events.map((e) => `${e.run_id}#${e.seq}`);

describe('replay plans', () => {
  it('replays a run after its cursor and floors its live tail there', () => {
    const plan = planReplay([ev('r', 4), ev('r', 5)], { afterSeq: 3 }, 'r');
    expect(ids(plan.events)).toEqual(['r#4', 'r#5']);
    expect(plan.floors).toEqual(new Map([['r', 5]]));
    expect(planReplay([], { afterSeq: 7 }, 'later').floors).toEqual(new Map([['later', 7]]));
  });

  it('replays a whole thread without a cursor', () => {
    const plan = planReplay(thread, {});
    expect(ids(plan.events)).toEqual(ids(thread));
    expect(plan.floors).toEqual(
      new Map([
        ['r1', 2],
        ['r2', 2],
        ['r3', 3],
      ]),
    );
  });

  it('resumes a thread in the run the client stopped in, skipping the runs before it', () => {
    expect(ids(planReplay(thread, { afterRunId: 'r2', afterSeq: 1 }).events)).toEqual(['r2#2', 'r3#1', 'r3#2', 'r3#3']);
    const plan = planReplay(thread, { afterRunId: 'gone', afterSeq: 9 });
    expect(ids(plan.events)).toEqual(ids(thread));
    expect(plan.floors.get('gone')).toBe(9);
  });

  it("applies a bare after_seq to the thread's latest run, as EventLog.read does", () => {
    expect(ids(planReplay(thread, { afterSeq: 2 }).events)).toEqual(['r1#1', 'r1#2', 'r2#1', 'r2#2', 'r3#3']);
  });
});
