// The UsageStore contract: one suite that every backend (memory, Redis) must pass.
import { describe, expect, it } from 'vitest';
import type { UsageRecord, UsageStore, UsageStoreOptions, UsageSums } from '../../src/storage/types.js';
import { DAY_MS, groupKey, HOUR_MS, mergeSums, sumsOfRecord } from '../../src/storage/usage-rollups.js';
import { openedPerTest } from './opened-per-test.js';
import { seededRandom } from '../../src/routing/seeded-random.js';

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

/** Sums in a comparable form: sorted by group, floats rounded (sums added in another order differ in the last bits). */
function comparable(rows: UsageSums[]): UsageSums[] {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return rows
    .map((row) => ({ ...row, costUsd: round(row.costUsd), latencyMs: round(row.latencyMs), ttftMs: round(row.ttftMs) }))
    .sort((a, b) => (groupKey(a) < groupKey(b) ? -1 : 1));
}

/**
 * `count` records over the `spanMs` before `end`, in ts order, across providers, models, keys, clients and outcomes.
 */
function spreadRecords(count: number, end: number, spanMs: number): UsageRecord[] {
  const next = seededRandom(42);
  const pick = <T>(values: T[]) => values[Math.floor(next() * values.length)]!;
  const records: UsageRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const provider = pick(['groq', 'mistral']);
    const failed = next() < 0.1;
    const streamed = next() < 0.4;
    records.push(
      usageRecord(Math.floor(end - spanMs + next() * spanMs), {
        provider,
        model: `${provider}/${pick(['small', 'large'])}`,
        ...(next() < 0.7 ? { keyId: `${provider}-k${pick([1, 2])}`, keyMasked: `${provider}_…k` } : {}),
        ...(next() < 0.6 ? { clientId: pick(['c1', 'c2', 'c3']) } : {}),
        promptTokens: failed ? 0 : Math.floor(next() * 500),
        completionTokens: failed ? 0 : Math.floor(next() * 200),
        costUsd: Math.floor(next() * 1000) / 1e6,
        latencyMs: Math.floor(next() * 3000) + 0.25,
        ...(streamed ? { ttftMs: Math.floor(next() * 500) + 0.5 } : {}),
        ...(failed ? { status: 'error' as const, error: 'server' } : {}),
      }),
    );
  }
  return records.sort((a, b) => a.ts - b.ts);
}

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

    it('totals agree with the records over ranges of whole days, whole hours and partial hours', async () => {
      const store = await open({ retentionMs: 10 * DAY_MS, maxRecords: 100_000 });
      const now = backend.now();
      for (const record of spreadRecords(600, now - 1_000, 3 * DAY_MS)) store.append(record);
      await store.flush();
      const day = Math.floor((now - 2 * DAY_MS) / DAY_MS) * DAY_MS;
      const ranges: Array<[number, number]> = [
        [now - 4 * DAY_MS, now],
        [now - 3 * DAY_MS + 12_345, now - 17_000],
        [day, day + DAY_MS - 1],
        [day - 1, day + DAY_MS],
        [day + 3 * HOUR_MS + 1, day + 9 * HOUR_MS - 1],
        [day + 5 * HOUR_MS + 100, day + 5 * HOUR_MS + 200_000],
        [day + 7 * HOUR_MS, day + 7 * HOUR_MS],
        [day + HOUR_MS, day],
      ];
      for (const [from, to] of ranges) {
        const expected = mergeSums((await store.query(from, to)).map(sumsOfRecord));
        expect(comparable(await store.totals(from, to)), `totals(${from}, ${to})`).toEqual(comparable(expected));
      }
      expect((await store.totals(now - 4 * DAY_MS, now)).reduce((n, row) => n + row.requests, 0)).toBe(600);
    });

    it('totals over 90 days count whole days from the rollups after their records are gone', async () => {
      const store = await open({ retentionMs: DAY_MS, maxRecords: 1_000 });
      const now = backend.now();
      const today = Math.floor(now / DAY_MS) * DAY_MS;
      for (let back = 40; back >= 10; back -= 1) {
        store.append(usageRecord(today - back * DAY_MS + 12 * HOUR_MS, { clientId: 'c1', promptTokens: back }));
      }
      await store.flush();
      expect(await store.query(now - 90 * DAY_MS, now)).toEqual([]);
      const totals = await store.totals(now - 90 * DAY_MS, now);
      expect(totals).toEqual([
        expect.objectContaining({
          provider: 'groq',
          clientId: 'c1',
          requests: 31,
          promptTokens: 775,
          completionTokens: 155,
        }),
      ]);
    });

    it('drops rollups past their own retention: days after dailyRetentionMs, hours after hourlyRetentionMs', async () => {
      const retention = { hourlyRetentionMs: 2 * DAY_MS, dailyRetentionMs: 5 * DAY_MS };
      const store = await open({ retentionMs: DAY_MS, maxRecords: 1_000, ...retention });
      const now = backend.now();
      const today = Math.floor(now / DAY_MS) * DAY_MS;
      const noon = (back: number) => today - back * DAY_MS + 12 * HOUR_MS;
      store.append(usageRecord(noon(10), { runId: 'past-every-retention' }));
      store.append(usageRecord(noon(3), { runId: 'days-only' }));
      await store.flush();
      const count = async (from: number, to: number) =>
        (await store.totals(from, to)).reduce((n, row) => n + row.requests, 0);
      expect(await count(now - 30 * DAY_MS, now)).toBe(1);
      expect(await count(noon(3) - HOUR_MS, noon(3) + HOUR_MS)).toBe(0);
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
