// The RecordStore contract: one suite that every backend (memory, memory with a file, Redis) must pass.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordStore } from '../../src/storage/types.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface RecordStoreBackend {
  /** Opens a store; `close` is called after each test. */
  open(): Promise<RecordStore & { close?(): Promise<void> }>;
}

/** A collection name no other test uses (the Redis tests share one server). */
export const collectionName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const byId = (records: Array<{ id: string; value: string }>) => [...records].sort((a, b) => a.id.localeCompare(b.id));

/** Registers the contract tests of a RecordStore backend under `name`. */
export function describeRecordStoreContract(name: string, backend: RecordStoreBackend): void {
  describe(`RecordStore contract: ${name}`, () => {
    const open = openedPerTest(() => backend.open());

    it('gets what was put, and undefined for an id or a collection never written', async () => {
      const store = await open();
      const c = collectionName('get');
      await store.put(c, 'a', 'first');
      expect(await store.get(c, 'a')).toBe('first');
      expect(await store.get(c, 'b')).toBeUndefined();
      expect(await store.get(collectionName('never'), 'a')).toBeUndefined();
    });

    it('replaces a record put again under the same id', async () => {
      const store = await open();
      const c = collectionName('replace');
      await store.put(c, 'a', 'old');
      await store.put(c, 'a', 'new');
      expect(await store.get(c, 'a')).toBe('new');
      expect(await store.list(c)).toEqual([{ id: 'a', value: 'new' }]);
    });

    it('lists every record of a collection, and nothing for an empty one', async () => {
      const store = await open();
      const c = collectionName('list');
      expect(await store.list(c)).toEqual([]);
      await store.put(c, 'b', '2');
      await store.put(c, 'a', '1');
      await store.put(c, 'c', '3');
      expect(byId(await store.list(c))).toEqual([
        { id: 'a', value: '1' },
        { id: 'b', value: '2' },
        { id: 'c', value: '3' },
      ]);
    });

    it('deletes a record, true only when there was one', async () => {
      const store = await open();
      const c = collectionName('delete');
      await store.put(c, 'a', '1');
      await store.put(c, 'b', '2');
      expect(await store.delete(c, 'a')).toBe(true);
      expect(await store.delete(c, 'a')).toBe(false);
      expect(await store.delete(c, 'never')).toBe(false);
      expect(await store.get(c, 'a')).toBeUndefined();
      expect(await store.list(c)).toEqual([{ id: 'b', value: '2' }]);
      expect(await store.delete(c, 'b')).toBe(true);
      expect(await store.list(c)).toEqual([]);
    });

    it('keeps collections apart: the same id in two collections is two records', async () => {
      const store = await open();
      const [vault, clients] = [collectionName('vault'), collectionName('clients')];
      await store.put(vault, 'x', 'in vault');
      await store.put(clients, 'x', 'in clients');
      expect(await store.get(vault, 'x')).toBe('in vault');
      expect(await store.get(clients, 'x')).toBe('in clients');
      expect(await store.delete(vault, 'x')).toBe(true);
      expect(await store.get(clients, 'x')).toBe('in clients');
      expect(await store.list(vault)).toEqual([]);
      expect(await store.list(clients)).toEqual([{ id: 'x', value: 'in clients' }]);
    });

    it('keeps values and ids byte for byte: JSON, unicode, separators, empty strings', async () => {
      const store = await open();
      const c = collectionName('opaque');
      const records = [
        { id: 'key:openai/1', value: JSON.stringify({ iv: 'abc', data: 'zzz', tag: '"quoted"\n' }) },
        { id: 'ünï cödé 🔑', value: 'välue ✓' },
        { id: 'empty', value: '' },
      ];
      for (const { id, value } of records) await store.put(c, id, value);
      for (const { id, value } of records) expect(await store.get(c, id)).toBe(value);
      expect(byId(await store.list(c))).toEqual(byId(records));
    });

    it('treats ids that are also object property names as plain ids', async () => {
      const store = await open();
      const c = collectionName('proto');
      for (const id of ['constructor', 'toString', '__proto__']) {
        expect(await store.get(c, id)).toBeUndefined();
        expect(await store.delete(c, id)).toBe(false);
      }
      await store.put(c, '__proto__', 'p');
      await store.put(c, 'constructor', 'c');
      expect(await store.get(c, '__proto__')).toBe('p');
      expect(byId(await store.list(c))).toEqual(
        byId([
          { id: '__proto__', value: 'p' },
          { id: 'constructor', value: 'c' },
        ]),
      );
    });
  });
}
