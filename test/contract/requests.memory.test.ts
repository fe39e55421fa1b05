// The RequestLogStore contract against the memory backend on an injected clock, and what only it has: an exact count
// bound and rows aging out as the clock passes.
import { describe, expect, it } from 'vitest';
import { createMemoryRequestLog } from '../../src/storage/memory/requests.js';
import { describeRequestLogContract, requestRecord } from './requests.contract.js';

let clock = 1_700_000_000_000;

describeRequestLogContract('memory', {
  open: async (options) => createMemoryRequestLog(options, () => clock),
  now: () => clock,
});

describe('memory RequestLogStore', () => {
  it('keeps exactly maxRows, the newest, across compactions', async () => {
    const store = createMemoryRequestLog({ retentionMs: 3_600_000, maxRows: 1_000 }, () => clock);
    for (let i = 0; i < 5_000; i += 1) store.append(requestRecord(clock - 5_000 + i, { runId: `r${i}` }));
    const first = await store.list({ limit: 600 });
    const second = await store.list({ limit: 600, before: first.next! });
    expect([...first.rows, ...second.rows].map((r) => r.runId)).toEqual(
      [...Array(1_000).keys()].map((i) => `r${4_999 - i}`),
    );
    expect(second.next).toBeUndefined();
  });

  it('lets rows age out as its clock passes the retention', async () => {
    let now = 1_000_000;
    const store = createMemoryRequestLog({ retentionMs: 10_000, maxRows: 100 }, () => now);
    store.append(requestRecord(now, { runId: 'a' }));
    now += 6_000;
    store.append(requestRecord(now, { runId: 'b' }));
    now += 4_001;
    expect((await store.list({ limit: 10 })).rows.map((r) => r.runId)).toEqual(['b']);
  });
});
