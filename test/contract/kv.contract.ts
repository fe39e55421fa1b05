// The KvStore contract: one suite that every backend (memory, Redis) must pass.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KvStore } from '../../src/storage/types.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface KvStoreBackend {
  /** Opens a store; `close` is called after each test. */
  open(): Promise<KvStore & { close?(): Promise<void> }>;
  /** Lets `ms` pass: advance an injected clock, or sleep when the backend runs on real time. */
  elapse(ms: number): Promise<void>;
}

/** A key no other test uses (the Redis tests share one server). */
export const kvKey = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** A TTL short enough to wait out, and one no test outlives. */
const SHORT = 80;
const LONG = 60_000;

/** Registers the contract tests of a KvStore backend under `name`. */
export function describeKvStoreContract(name: string, backend: KvStoreBackend): void {
  describe(`KvStore contract: ${name}`, () => {
    const open = openedPerTest(() => backend.open());
    /** Waits until `key` is gone, polling while time elapses; fails when it is still there after 2 s. */
    const untilGone = async (store: KvStore, key: string) => {
      for (let waited = 0; waited <= 2_000 && (await store.get(key)) !== undefined; waited += 20)
        await backend.elapse(20);
      expect(await store.get(key)).toBeUndefined();
    };

    it('gets what was set, overwrites, deletes, and keeps keys apart', async () => {
      const store = await open();
      const [a, b] = [kvKey('a'), kvKey('b')];
      expect(await store.get(a)).toBeUndefined();
      await store.set(a, 'one');
      await store.set(b, 'two', LONG);
      expect([await store.get(a), await store.get(b)]).toEqual(['one', 'two']);
      await store.set(a, '');
      expect(await store.get(a)).toBe('');
      await store.set(a, '{"json": "ünïcode ✓"}');
      expect(await store.get(a)).toBe('{"json": "ünïcode ✓"}');
      await store.delete(a);
      await store.delete(a); // deleting what is gone does nothing
      expect([await store.get(a), await store.get(b)]).toEqual([undefined, 'two']);
    });

    it('forgets a value once its TTL has passed, and at once for a TTL of 0', async () => {
      const store = await open();
      const [key, zero] = [kvKey('ttl'), kvKey('zero')];
      await store.set(key, 'v', LONG);
      expect(await store.get(key)).toBe('v');
      await store.set(key, 'short', SHORT);
      await untilGone(store, key);
      await store.set(zero, 'v');
      await store.set(zero, 'gone', 0);
      expect(await store.get(zero)).toBeUndefined();
    });

    it('resets the TTL on overwrite: a new TTL, or none', async () => {
      const store = await open();
      const [longer, kept, shorter] = [kvKey('longer'), kvKey('kept'), kvKey('shorter')];
      await store.set(longer, 'old', SHORT);
      await store.set(longer, 'new', LONG);
      await store.set(kept, 'old', SHORT);
      await store.set(kept, 'new');
      await store.set(shorter, 'old', LONG);
      await store.set(shorter, 'new', SHORT);
      await untilGone(store, shorter);
      await backend.elapse(SHORT);
      expect([await store.get(longer), await store.get(kept)]).toEqual(['new', 'new']);
    });

    it('keeps a value set without a TTL', async () => {
      const store = await open();
      const key = kvKey('forever');
      await store.set(key, 'v');
      await backend.elapse(3 * SHORT);
      expect(await store.get(key)).toBe('v');
    });
  });
}
