// The LockStore contract: one suite that every backend (memory, Redis) must pass.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LockStore } from '../../src/storage/types.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface LockStoreBackend {
  /** Opens a store; `close` is called after each test. */
  open(): Promise<LockStore & { close?(): Promise<void> }>;
  /** Lets `ms` pass: advance an injected clock, or sleep when the backend runs on real time. */
  elapse(ms: number): Promise<void>;
}

/** A lock name no other test uses (the Redis tests share one server). */
export const lockName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const TTL = 300;

/** Registers the contract tests of a LockStore backend under `name`. */
export function describeLockStoreContract(name: string, backend: LockStoreBackend): void {
  describe(`LockStore contract: ${name}`, () => {
    const open = openedPerTest(() => backend.open());

    it('gives a lock to one holder at a time, names apart', async () => {
      const store = await open();
      const [a, b] = [lockName('a'), lockName('b')];
      const first = await store.tryAcquire(a, TTL);
      expect(first).toBeDefined();
      expect(await store.tryAcquire(a, TTL)).toBeUndefined();
      expect(await store.tryAcquire(b, TTL)).toBeDefined();
      const racing = await Promise.all([1, 2, 3, 4].map(() => store.tryAcquire(`${b}-race`, TTL)));
      expect(racing.filter((lease) => lease !== undefined)).toHaveLength(1);
    });

    it('lets another in once the holder releases; a second release does nothing', async () => {
      const store = await open();
      const name = lockName('release');
      const first = (await store.tryAcquire(name, TTL))!;
      await first.release();
      const second = await store.tryAcquire(name, TTL);
      expect(second).toBeDefined();
      await first.release();
      expect(await store.tryAcquire(name, TTL)).toBeUndefined();
      expect(await first.extend(TTL)).toBe(false);
    });

    it('lets another in once the lease expires, and the old holder can neither release nor extend it', async () => {
      const store = await open();
      const name = lockName('expiry');
      const old = (await store.tryAcquire(name, 100))!;
      expect(await store.tryAcquire(name, TTL)).toBeUndefined();
      await backend.elapse(250);
      const taker = await store.tryAcquire(name, TTL);
      expect(taker).toBeDefined();
      expect(await old.extend(TTL)).toBe(false);
      await old.release();
      expect(await store.tryAcquire(name, TTL)).toBeUndefined();
      expect(await taker!.extend(TTL)).toBe(true);
    });

    it('keeps a lease that its holder extends past its first TTL', async () => {
      const store = await open();
      const name = lockName('extend');
      const lease = (await store.tryAcquire(name, 200))!;
      await backend.elapse(120);
      expect(await lease.extend(600)).toBe(true);
      await backend.elapse(200); // 320 ms after the acquire: past the first TTL, within the extension
      expect(await store.tryAcquire(name, TTL)).toBeUndefined();
      expect(await lease.extend(100)).toBe(true);
      await backend.elapse(250);
      expect(await lease.extend(TTL)).toBe(false);
      expect(await store.tryAcquire(name, TTL)).toBeDefined();
    });
  });
}
