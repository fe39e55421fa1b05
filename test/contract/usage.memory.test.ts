// The UsageStore contract against the memory backend on an injected clock, and what only it has: an exact count
// bound, records aging out as the clock passes, and stored records independent of the caller's objects.
import { describe, expect, it } from 'vitest';
import { createMemoryUsageStore } from '../../src/storage/memory/usage.js';
import { describeUsageStoreContract, usageRecord } from './usage.contract.js';

const clock = 1_700_000_000_000;

describeUsageStoreContract('memory', {
  open: async (options) => createMemoryUsageStore(options, () => clock),
  now: () => clock,
});

describe('memory UsageStore', () => {
  it('keeps exactly maxRecords, the newest', async () => {
    const store = createMemoryUsageStore({ retentionMs: 60_000, maxRecords: 3 }, () => clock);
    for (let i = 0; i < 10; i += 1) store.append(usageRecord(clock - 100 + i, { runId: `r${i}` }));
    expect((await store.query(0, clock)).map((r) => r.runId)).toEqual(['r7', 'r8', 'r9']);
  });

  it('lets records age out as its clock passes the retention', async () => {
    let now = 1_000_000;
    const store = createMemoryUsageStore({ retentionMs: 10_000, maxRecords: 100 }, () => now);
    store.append(usageRecord(now, { runId: 'a' }));
    now += 6_000;
    store.append(usageRecord(now, { runId: 'b' }));
    expect((await store.query(0, now)).map((r) => r.runId)).toEqual(['a', 'b']);
    now += 4_000; // a is exactly retentionMs old: still kept
    expect((await store.query(0, now)).map((r) => r.runId)).toEqual(['a', 'b']);
    now += 1;
    expect((await store.query(0, now)).map((r) => r.runId)).toEqual(['b']);
    now += 6_000;
    expect(await store.query(0, now)).toEqual([]);
  });

  it('stores a copy: changing the appended or returned object changes nothing stored', async () => {
    const store = createMemoryUsageStore({ retentionMs: 60_000, maxRecords: 10 }, () => clock);
    const record = usageRecord(clock - 1, { promptTokens: 7 });
    store.append(record);
    record.promptTokens = 999;
    (await store.query(0, clock))[0]!.completionTokens = 999;
    expect(await store.query(0, clock)).toEqual([usageRecord(clock - 1, { promptTokens: 7 })]);
  });

  it('keeps a large buffer exact across compactions', async () => {
    const store = createMemoryUsageStore({ retentionMs: 3_600_000, maxRecords: 1_000 }, () => clock);
    for (let i = 0; i < 5_000; i += 1) store.append(usageRecord(clock - 5_000 + i, { runId: `r${i}` }));
    const kept = await store.query(0, clock);
    expect(kept).toHaveLength(1_000);
    expect(kept[0]!.runId).toBe('r4000');
    expect(kept[999]!.runId).toBe('r4999');
  });
});
