// The stores a contract test opens, closed after it: one helper for every contract suite.
import { afterEach } from 'vitest';

/** Inside a `describe`: `openStore` wrapped so that every store it opens is closed after the current test. */
export function openedPerTest<A extends unknown[], T extends { close?(): Promise<void> }>(
  openStore: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const opened: T[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close?.()));
  });
  return async (...args) => {
    const store = await openStore(...args);
    opened.push(store);
    return store;
  };
}
