// In-memory event log: a bounded buffer per run, a thread index, live followers, and retention after a run ends.
import { endsRun, type RunEvent } from '../../events/types.js';
import { createEventFollowers } from '../event-followers.js';
import type { EventLog, EventLogOptions } from '../types.js';

/** Options of the memory backend; everything past EventLogOptions has a default. */
export interface MemoryEventLogOptions extends EventLogOptions {
  /** The clock retention is measured with (tests inject one). Default Date.now. */
  now?: () => number;
  /** Runs kept at most, finished or not; past it the run that started first is dropped. Default 10,000. */
  maxRuns?: number;
  /** Period of the unref'd sweep that frees expired runs while the log is idle; 0 = sweep lazily only. */
  sweepIntervalMs?: number;
}

interface RunRecord {
  readonly id: string;
  threadId: string | undefined;
  /** Stored events are `events[head..]`; the slots before `head` were dropped by the bound and await compaction. */
  events: RunEvent[];
  head: number;
  lastSeq: number;
  /** Set by run_finished / run_failed: when the run's events are dropped. */
  expiresAt: number | undefined;
}

const DEFAULT_MAX_RUNS = 10_000;
/** Dropped slots are reclaimed once there are this many and they are half the array: amortised O(1) per append. */
const COMPACT_AT = 64;

/**
 * Creates the embedded event log. Retention uses a lazy sweep (on each run end, read and follow, in expiry order from a
 * FIFO, O(1) amortised) plus one unref'd interval for an idle log, rather than a timer per run: one timer costs nothing
 * per run, keeps the process free to exit, and the sweep follows the injected clock, so tests need no fake timers.
 */
export function createMemoryEventLog(options: MemoryEventLogOptions): EventLog {
  const now = options.now ?? Date.now;
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const maxEvents = Math.max(1, options.maxEventsPerRun);
  /** Insertion order is start order: the first key is the run that started first. */
  const runs = new Map<string, RunRecord>();
  /** Each thread's runs, in start order. */
  const threads = new Map<string, Set<string>>();
  const followers = createEventFollowers();
  /** Finished runs in the order they expire (the clock only grows and retention is constant). */
  let expiries: { run: RunRecord; at: number }[] = [];
  let expiryHead = 0;
  let closed = false;

  function drop(run: RunRecord): void {
    if (runs.get(run.id) !== run) return;
    runs.delete(run.id);
    if (run.threadId === undefined) return;
    const threadRuns = threads.get(run.threadId);
    threadRuns?.delete(run.id);
    if (threadRuns?.size === 0) threads.delete(run.threadId);
  }

  function sweep(): void {
    if (expiryHead === expiries.length) return;
    const t = now();
    while (expiryHead < expiries.length && expiries[expiryHead]!.at <= t) {
      const { run } = expiries[expiryHead]!;
      expiryHead += 1;
      // A run queued twice (two terminal events) goes when its latest expiry passes, by its later entry.
      if (run.expiresAt !== undefined && run.expiresAt <= t) drop(run);
    }
    if (expiryHead >= COMPACT_AT && expiryHead * 2 >= expiries.length) {
      expiries = expiries.slice(expiryHead);
      expiryHead = 0;
    }
  }

  function startRun(event: RunEvent): RunRecord {
    const previous = runs.get(event.run_id);
    if (previous !== undefined) drop(previous);
    const run: RunRecord = {
      id: event.run_id,
      threadId: undefined,
      events: [],
      head: 0,
      lastSeq: 0,
      expiresAt: undefined,
    };
    runs.set(run.id, run);
    if (runs.size > maxRuns) drop(runs.values().next().value!);
    return run;
  }

  function store(run: RunRecord, event: RunEvent): void {
    if (run.threadId === undefined && event.thread_id !== undefined) {
      run.threadId = event.thread_id;
      let threadRuns = threads.get(run.threadId);
      if (threadRuns === undefined) threads.set(run.threadId, (threadRuns = new Set()));
      threadRuns.add(run.id);
    }
    run.events.push(event);
    run.lastSeq = event.seq;
    if (run.events.length - run.head > maxEvents) run.head += 1;
    if (run.head >= COMPACT_AT && run.head * 2 >= run.events.length) {
      run.events = run.events.slice(run.head);
      run.head = 0;
    }
  }

  /** `events` with seq > afterSeq; seqs grow within a run, so a binary search finds the first one. */
  function eventsAfter(run: RunRecord, afterSeq: number): RunEvent[] {
    let lo = run.head;
    let hi = run.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (run.events[mid]!.seq > afterSeq) hi = mid;
      else lo = mid + 1;
    }
    return run.events.slice(lo);
  }

  const sweepTimer =
    options.sweepIntervalMs === 0
      ? undefined
      : setInterval(sweep, options.sweepIntervalMs ?? Math.min(Math.max(options.retentionMs, 1_000), 60_000));
  sweepTimer?.unref();

  return {
    append(event) {
      if (closed) return;
      let run = runs.get(event.run_id);
      if (run === undefined) run = startRun(event);
      else if (event.seq <= run.lastSeq) {
        // A run id used again (a client chose it twice) starts over; any other repeat is a duplicate.
        if (event.type !== 'run_started') return;
        run = startRun(event);
      }
      store(run, event);
      if (endsRun(event.type)) {
        run.expiresAt = now() + options.retentionMs;
        expiries.push({ run, at: run.expiresAt });
        sweep();
      }
      followers.deliver(event);
    },

    async read(filter, afterSeq = 0) {
      sweep();
      if (filter.runId !== undefined) {
        const run = runs.get(filter.runId);
        return run === undefined ? [] : eventsAfter(run, afterSeq);
      }
      const ids = [...(threads.get(filter.threadId) ?? [])];
      return ids.flatMap((id, i) => eventsAfter(runs.get(id)!, i === ids.length - 1 ? afterSeq : 0));
    },

    async follow(filter, listener) {
      sweep();
      return followers.follow(filter, listener);
    },

    async close() {
      closed = true;
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      runs.clear();
      threads.clear();
      followers.clear();
      expiries = [];
      expiryHead = 0;
    },
  };
}
