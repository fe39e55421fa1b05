// The KvStore contract against the memory backend on an injected clock, and its exact expiry time.
import { describe, expect, it } from 'vitest';
import { createMemoryKvStore } from '../../src/storage/memory/kv.js';
import { describeKvStoreContract } from './kv.contract.js';

let clock = 1_700_000_000_000;

describeKvStoreContract('memory', {
  open: async () => createMemoryKvStore(() => clock),
  elapse: async (ms) => {
    clock += ms;
  },
});

describe('memory KvStore', () => {
  it('keeps a value until exactly its TTL has passed, on its clock', async () => {
    let now = 1_000;
    const store = createMemoryKvStore(() => now);
    await store.set('k', 'v', 100);
    now = 1_099;
    expect(await store.get('k')).toBe('v');
    now = 1_100;
    expect(await store.get('k')).toBeUndefined();
  });

  it('still answers for live values after sweeping many expired ones', async () => {
    let now = 0;
    const store = createMemoryKvStore(() => now);
    await store.set('kept', 'v');
    for (let i = 0; i < 3_000; i += 1) await store.set(`short-${i}`, 'x', 10);
    now = 5;
    await store.set('live', 'v', 100);
    now = 20;
    for (let i = 0; i < 3_000; i += 1) await store.set(`later-${i}`, 'y', 1_000);
    expect([
      await store.get('kept'),
      await store.get('live'),
      await store.get('short-0'),
      await store.get('later-0'),
    ]).toEqual(['v', 'v', undefined, 'y']);
  });
});
