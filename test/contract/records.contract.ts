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

/** Resolves once `check` holds, polling; rejects after 5 s (a notice that never comes). */
async function eventually(check: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for a change notice');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

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

    it('puts under a guard record: writing it when absent, and refusing while it holds another value', async () => {
      const [c, meta] = [collectionName('guarded'), collectionName('guard')];
      const guard = { collection: meta, id: 'meta', value: 'meta-1' };
      const store = await open();
      expect(await store.putGuarded(c, 'a', 'sealed under 1', guard)).toBe('meta-1');
      expect([await store.get(meta, 'meta'), await store.get(c, 'a')]).toEqual(['meta-1', 'sealed under 1']);
      expect(await store.putGuarded(c, 'b', 'also under 1', guard)).toBe('meta-1');
      expect(await store.putGuarded(c, 'c', 'sealed under 2', { ...guard, value: 'meta-2' })).toBe('meta-1');
      expect(await store.get(c, 'c')).toBeUndefined();
      expect(await store.get(meta, 'meta')).toBe('meta-1');
      // The guard gone (the store emptied in part): the next guarded put writes it back with its record.
      await store.delete(meta, 'meta');
      expect(await store.putGuarded(c, 'd', 'sealed under 2', { ...guard, value: 'meta-2' })).toBe('meta-2');
      expect([await store.get(meta, 'meta'), await store.get(c, 'd')]).toEqual(['meta-2', 'sealed under 2']);
    });

    it('tells watchers which collection a put, a guarded put or a delete changed, until they stop', async () => {
      const store = await open();
      const [c, meta] = [collectionName('watched'), collectionName('watched-guard')];
      const seen: Array<string | undefined> = [];
      const stop = await store.watch((collection) => seen.push(collection));
      await store.put(c, 'a', '1');
      await eventually(() => seen.includes(c));
      seen.length = 0;
      await store.putGuarded(c, 'b', '2', { collection: meta, id: 'm', value: 'v' });
      await eventually(() => seen.includes(c) && seen.includes(meta));
      seen.length = 0;
      expect(await store.delete(c, 'a')).toBe(true);
      await eventually(() => seen.includes(c));
      await stop();
      seen.length = 0;
      await store.put(c, 'z', 'after stop');
      // A later watcher sees the next change: by then, a notice of the put above would have reached the first too.
      const later: Array<string | undefined> = [];
      const stopLater = await store.watch((collection) => later.push(collection));
      await store.put(c, 'y', 'seen by the later watcher');
      await eventually(() => later.includes(c));
      await stopLater();
      expect(seen).toEqual([]);
    });
  });
}
