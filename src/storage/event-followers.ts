// In-process live followers of an event log, by run and by thread: the memory and SQLite logs deliver through this.
import type { RunEvent } from '../events/types.js';
import type { EventFilter, EventListener } from './types.js';

/** The followers of one process's event log. */
export interface EventFollowers {
  /** Adds `listener` for `filter`; returns the function that removes this addition (and only it). */
  follow(filter: EventFilter, listener: EventListener): () => Promise<void>;
  /** Hands `event` to the followers of its run and of its thread (the event's own thread_id, when it has one). */
  deliver(event: RunEvent): void;
  /** Drops every follower. */
  clear(): void;
}

/** Creates an empty set of followers. A listener that throws is skipped: the run and the other followers go on. */
export function createEventFollowers(): EventFollowers {
  const byRun = new Map<string, Set<EventListener>>();
  const byThread = new Map<string, Set<EventListener>>();

  function deliverTo(followers: Set<EventListener> | undefined, event: RunEvent): void {
    if (followers === undefined) return;
    for (const listener of followers) {
      try {
        listener(event);
      } catch {
        /* a follower reports its own failures; the run and the other followers go on */
      }
    }
  }

  return {
    follow(filter, listener) {
      const [index, key] = filter.runId !== undefined ? [byRun, filter.runId] : [byThread, filter.threadId];
      // A wrapper per call, so one listener can follow twice and each unfollow removes only its own.
      const entry: EventListener = (event) => listener(event);
      let followers = index.get(key);
      if (followers === undefined) index.set(key, (followers = new Set()));
      followers.add(entry);
      return async () => {
        const current = index.get(key);
        current?.delete(entry);
        if (current?.size === 0) index.delete(key);
      };
    },
    deliver(event) {
      deliverTo(byRun.get(event.run_id), event);
      if (event.thread_id !== undefined) deliverTo(byThread.get(event.thread_id), event);
    },
    clear() {
      byRun.clear();
      byThread.clear();
    },
  };
}
