// The StatsStore contract against the memory backend.
import { describe, expect, it } from 'vitest';
import { createMemoryStatsStore } from '../../src/storage/memory/stats.js';
import { describeStatsStoreContract } from './stats.contract.js';

describeStatsStoreContract('memory', { open: async (options) => createMemoryStatsStore(options) });

describe('memory stats copies', () => {
  it('copies an arm named __proto__ (a valid task name) as an arm of its own', async () => {
    const store = createMemoryStatsStore();
    const out = await store.record('a/m', { at: 1, ok: true, arm: { task: '__proto__', good: 1 } });
    expect(Object.keys(out.arms!)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out.arms)).toBe(Object.prototype);
    const snapshot = (await store.snapshot()).get('a/m')!;
    expect(Object.getOwnPropertyDescriptor(snapshot.arms, '__proto__')?.value).toEqual({ good: 1, bad: 0 });
  });
});
