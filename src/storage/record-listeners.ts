// Change listeners of a record store that lives in this process (memory, SQLite): told after each put or delete.
import type { RecordsListener } from './types.js';

/** The listeners of one record store, and how to tell them. */
export interface RecordListeners {
  /** Tells every listener, on a microtask: after the write's caller has resumed, never inside the write. */
  changed(collection: string): void;
  /** RecordStore.watch for a store of this process. */
  watch(listener: RecordsListener): Promise<() => Promise<void>>;
}

export function createRecordListeners(): RecordListeners {
  const listeners = new Set<{ listener: RecordsListener }>();
  return {
    changed(collection) {
      if (listeners.size === 0) return;
      queueMicrotask(() => {
        for (const entry of listeners) entry.listener(collection);
      });
    },
    async watch(listener) {
      // A wrapper object, so one function watching twice is removed once per stop.
      const entry = { listener };
      listeners.add(entry);
      return async () => void listeners.delete(entry);
    },
  };
}
