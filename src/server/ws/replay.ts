// Which stored events a subscription replays, and the per-run seq floors that keep its live tail free of duplicates.
import type { RunEvent } from '../../events/types.js';

/** Where a subscriber says it stopped: `afterSeq` in run `afterRunId` (for a thread), or in the one run followed. */
export interface ReplayCursor {
  /**
   * For a run subscription: the run. For a thread: the run the client stopped in; runs that started before it are
   * skipped.
   */
  afterRunId?: string;
  afterSeq?: number;
}

/** The events to replay, oldest first, and for each run the highest seq the client has (or is about to get). */
export interface ReplayPlan {
  events: RunEvent[];
  floors: Map<string, number>;
}

/** Groups stored events by run, keeping the order the log gave (runs in start order, seq order within a run). */
function byRun(history: RunEvent[]): [string, RunEvent[]][] {
  const groups = new Map<string, RunEvent[]>();
  for (const event of history) {
    let group = groups.get(event.run_id);
    if (group === undefined) groups.set(event.run_id, (group = []));
    group.push(event);
  }
  return [...groups];
}

/**
 * Applies a cursor to stored events. For a run: events after `afterSeq`. For a thread with `afterRunId`: nothing from
 * runs that started before it, its events after `afterSeq`, every event of later runs (when the run is no longer
 * stored, everything: the client missed it all). For a thread without `afterRunId`: `afterSeq` applies to its latest
 * run, as EventLog.read does.
 */
export function planReplay(history: RunEvent[], cursor: ReplayCursor, runId?: string): ReplayPlan {
  const groups = byRun(history);
  let floorRun = runId;
  let skipBefore = 0;
  if (runId === undefined && cursor.afterRunId !== undefined) {
    floorRun = cursor.afterRunId;
    skipBefore = Math.max(
      0,
      groups.findIndex(([id]) => id === cursor.afterRunId),
    );
  } else if (runId === undefined) floorRun = groups.at(-1)?.[0];
  const floors = new Map<string, number>();
  if (floorRun !== undefined) floors.set(floorRun, cursor.afterSeq ?? 0);
  const events: RunEvent[] = [];
  groups.forEach(([id, group], i) => {
    const floor = floors.get(id) ?? 0;
    // Runs before the resume point count as seen: only what they emit from now on is sent.
    if (i >= skipBefore) for (const event of group) if (event.seq > floor) events.push(event);
    floors.set(id, Math.max(floor, group.at(-1)!.seq));
  });
  return { events, floors };
}
