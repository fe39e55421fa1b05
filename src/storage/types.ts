// Storage interfaces: one small interface per kind of state, each with a memory and a Redis backend.
import type { RunEvent } from '../events/types.js';

/** What to follow or replay: one run, or every run of a thread (including runs that start later). */
export type EventFilter = { runId: string; threadId?: undefined } | { threadId: string; runId?: undefined };

/** Called for each live event, in the order the log stored them. */
export type EventListener = (event: RunEvent) => void;

/**
 * The per-run ordered event log. A run's events are appended by the instance executing it, with `seq` already set
 * (1, 2, 3... per run). Memory backend: a bounded buffer per run, kept for a retention time after the run ends.
 * Redis backend: a capped Redis Stream per run, so any instance can replay and follow any run.
 */
export interface EventLog {
  /**
   * Stores an event and delivers it to live followers. Never throws: storage failures are reported through the
   * log's own logger, so a broken log cannot break a run.
   */
  append(event: RunEvent): void;
  /**
   * The stored events matching `filter`, oldest first. For a run: those with `seq > afterSeq`.
   * For a thread: every event of its runs, each run's events in seq order, runs in the order they started
   * (`afterSeq` then applies to the thread's most recent run only).
   */
  read(filter: EventFilter, afterSeq?: number): Promise<RunEvent[]>;
  /**
   * Delivers every event matching `filter` appended from now on (on any instance, for Redis), until the returned
   * function is called. Resolves once following has started, so a caller can follow first and read after
   * without missing anything (events seen by both are told apart by run_id + seq).
   */
  follow(filter: EventFilter, listener: EventListener): Promise<() => Promise<void>>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

export interface EventLogOptions {
  /** Events kept per run; older ones are dropped first. */
  maxEventsPerRun: number;
  /** How long a finished run's events are kept (after run_finished or run_failed). */
  retentionMs: number;
}

/**
 * Named locks with a time to live, shared by every instance on the same backend (memory: one process; Redis: every
 * instance on that Redis and key prefix). The agent service holds one per thread while a run of it is in flight.
 */
export interface LockStore {
  /**
   * Takes the lock `name` for `ttlMs`, or resolves undefined when another holder has it. The lease expires by itself
   * after `ttlMs`, so an instance that crashes while holding it cannot hold the lock forever; a holder whose work
   * lasts longer extends it (e.g. every ttlMs / 3) and releases it when done.
   */
  tryAcquire(name: string, ttlMs: number): Promise<Lease | undefined>;
}

/** One holding of a lock. Only its holder can release or extend it: after it expired and another took it, neither does anything. */
export interface Lease {
  /** Gives the lock up, if this lease still holds it (otherwise does nothing). */
  release(): Promise<void>;
  /** Sets the lease to expire `ttlMs` from now; false when it no longer holds the lock (it expired, or was released). */
  extend(ttlMs: number): Promise<boolean>;
}
