// The UsageStore contract: one suite that every backend (memory, Redis) must pass.
import { describe, expect, it } from 'vitest';
import type { UsageRecord, UsageStore, UsageStoreOptions } from '../../src/storage/types.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface UsageStoreBackend {
  /** Opens an empty store; `close` is called after each test. */
  open(options: UsageStoreOptions): Promise<UsageStore & { close?(): Promise<void> }>;
  /** The time the store's clock reads now (an injected clock, or Date.now). */
  now(): number;
}

/** A usage record at `ts`; `overrides` set the rest. */
export function usageRecord(ts: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ts,
    provider: 'groq',
    model: 'groq/llama-3.3-70b',
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0,
    latencyMs: 120,
    status: 'ok',
    ...overrides,
  };
}

const HOUR = 60 * 60 * 1000;
const roomy: UsageStoreOptions = { retentionMs: HOUR, maxRecords: 10_000 };

/** Registers the contract tests of a UsageStore backend under `name`. */
export function describeUsageStoreContract(name: string, backend: UsageStoreBackend): void {
  describe(`UsageStore contract: ${name}`, () => {
    const open = openedPerTest((options: UsageStoreOptions = roomy) => backend.open(options));

    it('returns every field of a record as appended, optional ones included', async () => {
      const store = await open();
      const full = usageRecord(backend.now() - 1_000, {
        runId: 'run-1',
        keyId: 'k1',
        keyMasked: 'gsk_…abcd',
        clientId: 'c1',
        ttftMs: 40,
        costUsd: 0.000123,
        status: 'error',
        error: 'rate_limit',
      });
      const bare = usageRecord(backend.now() - 500);
      store.append(full);
      store.append(bare);
      await store.flush();
      expect(await store.query(full.ts, bare.ts)).toEqual([full, bare]);
    });

    it('returns the records with from <= ts <= to, bounds included, oldest first whatever the append order', async () => {
      const store = await open();
      const base = backend.now() - 10_000;
      for (const i of [3, 0, 9, 5, 2, 7, 4, 1, 8, 6]) store.append(usageRecord(base + i * 100, { runId: `r${i}` }));
      await store.flush();
      const found = await store.query(base + 200, base + 500);
      expect(found.map((r) => r.runId)).toEqual(['r2', 'r3', 'r4', 'r5']);
      expect((await store.query(base, base + 900)).map((r) => r.ts)).toEqual(
        [...Array(10).keys()].map((i) => base + i * 100),
      );
      expect(await store.query(base + 901, base + 999)).toEqual([]);
      expect(await store.query(base + 500, base + 200)).toEqual([]);
    });

    it('keeps records with the same ts apart, in append order', async () => {
      const store = await open();
      const ts = backend.now() - 2_000;
      store.append(usageRecord(ts, { runId: 'first' }));
      store.append(usageRecord(ts, { runId: 'second' }));
      store.append(usageRecord(ts, { runId: 'third' }));
      await store.flush();
      expect((await store.query(ts, ts)).map((r) => r.runId)).toEqual(['first', 'second', 'third']);
    });

    it('drops the oldest records past maxRecords and keeps the newest', async () => {
      const store = await open({ retentionMs: HOUR, maxRecords: 5 });
      const base = backend.now() - 60_000;
      for (let i = 0; i < 300; i += 1) store.append(usageRecord(base + i * 10, { runId: `r${i}` }));
      await store.flush();
      const kept = (await store.query(base, base + 3_000)).map((r) => r.runId);
      expect(kept.length).toBeLessThan(300);
      expect(kept).not.toContain('r0');
      expect(kept.slice(-5)).toEqual(['r295', 'r296', 'r297', 'r298', 'r299']);
    });

    it('never returns a record older than the retention, whatever from asks', async () => {
      const store = await open({ retentionMs: 60_000, maxRecords: 10_000 });
      const now = backend.now();
      // The recent one first: the old ones then arrive late, which must not make them count as recent.
      store.append(usageRecord(now - 1_000, { runId: 'recent' }));
      store.append(usageRecord(now - 120_000, { runId: 'expired' }));
      store.append(usageRecord(now - 61_000, { runId: 'just-expired' }));
      await store.flush();
      expect((await store.query(0, now + 1_000)).map((r) => r.runId)).toEqual(['recent']);
    });

    it('flush resolves with nothing in flight, and after appends every one of them is stored', async () => {
      const store = await open();
      await store.flush();
      const base = backend.now() - 5_000;
      for (let i = 0; i < 50; i += 1) store.append(usageRecord(base + i));
      await store.flush();
      expect(await store.query(base, base + 49)).toHaveLength(50);
    });
  });
}
