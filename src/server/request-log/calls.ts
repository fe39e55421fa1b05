// The upstream calls of the requests in flight, by run id: what a request's row lists as its attempts and sums up.
import type { UsageRecord } from '../../storage/types.js';

/** Collects each open run's usage records as the key pool settles its calls. */
export interface CallCollector {
  /** Starts collecting the calls of `runId` (a second open of the same id shares its calls, until both closed). */
  open(runId: string): void;
  /** Adds a call to its run, when the run is open (calls of no open run are not kept). */
  note(record: UsageRecord): void;
  /** The calls of `runId` so far, in the order they ended; stops collecting once every open of it is closed. */
  close(runId: string): UsageRecord[];
}

export function createCallCollector(): CallCollector {
  const runs = new Map<string, { opens: number; calls: UsageRecord[] }>();
  return {
    open(runId) {
      const run = runs.get(runId);
      if (run === undefined) runs.set(runId, { opens: 1, calls: [] });
      else run.opens += 1;
    },
    note(record) {
      if (record.runId !== undefined) runs.get(record.runId)?.calls.push(record);
    },
    close(runId) {
      const run = runs.get(runId);
      if (run === undefined) return [];
      run.opens -= 1;
      if (run.opens > 0) return run.calls.slice();
      // The last close: nothing adds to these calls any more, so they are handed over rather than copied.
      runs.delete(runId);
      return run.calls;
    },
  };
}
