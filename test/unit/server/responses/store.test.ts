// Unit: the stored responses: one scope never sees another's, expired ones are gone, and a sweep keeps each scope's
// newest within its cap.
import { describe, expect, it } from 'vitest';
import { createResponseStore, type StoredResponse } from '../../../../src/server/responses/store.js';
import type { ResponseObject } from '../../../../src/server/responses/types.js';
import { createMemoryRecordStore } from '../../../../src/storage/memory/records.js';

const HOUR = 3_600_000;

function setup(maxPerScope = 100) {
  let clock = 1_000_000;
  const records = createMemoryRecordStore();
  const store = createResponseStore(records, {
    retentionMs: 24 * HOUR,
    maxPerScope,
    now: () => clock,
    sweepEveryMs: HOUR,
  });
  const put = (scope: string, id: string) =>
    store.put({ scope, storedAt: clock, response: { id } as ResponseObject, input: [] } satisfies StoredResponse);
  return { store, records, put, tick: (ms: number) => void (clock += ms) };
}

describe('response store', () => {
  it("keeps each scope's responses to itself, for get and delete", async () => {
    const { store, put } = setup();
    await put('client:a', 'resp_1');
    expect((await store.get('client:a', 'resp_1'))?.response.id).toBe('resp_1');
    expect(await store.get('client:b', 'resp_1')).toBeUndefined();
    expect(await store.get('admin', 'resp_1')).toBeUndefined();
    expect(await store.delete('client:b', 'resp_1')).toBe(false);
    expect(await store.delete('client:a', 'resp_1')).toBe(true);
    expect(await store.get('client:a', 'resp_1')).toBeUndefined();
    expect(await store.delete('client:a', 'resp_1')).toBe(false);
  });

  it('never serves an expired response, and a sweep removes it and its index entry', async () => {
    const { store, records, put, tick } = setup();
    await put('anonymous', 'resp_old');
    tick(23 * HOUR);
    await put('anonymous', 'resp_new');
    tick(2 * HOUR);
    expect(await store.get('anonymous', 'resp_old')).toBeUndefined();
    expect(await store.get('anonymous', 'resp_new')).toBeDefined();
    expect((await records.list('responses')).map((r) => r.id).sort()).toEqual(['resp_new', 'resp_old']);
    await store.sweep();
    expect((await records.list('responses')).map((r) => r.id)).toEqual(['resp_new']);
    expect((await records.list('responses-index')).map((r) => r.id)).toEqual(['resp_new']);
  });

  it("keeps each scope's newest responses within the cap", async () => {
    const { store, records, put, tick } = setup(2);
    for (const id of ['a1', 'a2', 'a3']) {
      await put('client:a', id);
      tick(1);
    }
    await put('client:b', 'b1');
    await store.sweep();
    expect((await records.list('responses')).map((r) => r.id).sort()).toEqual(['a2', 'a3', 'b1']);
  });

  it('sweeps on its own as responses are stored, at most once per sweepEveryMs', async () => {
    const { records, put, tick } = setup(1);
    await put('s', 'first');
    tick(1);
    await put('s', 'second');
    // The first put swept (nothing to drop); the second came too soon for another sweep.
    expect((await records.list('responses')).length).toBe(2);
    tick(HOUR);
    await put('s', 'third');
    await expect.poll(async () => (await records.list('responses')).map((r) => r.id)).toEqual(['third']);
  });
});
