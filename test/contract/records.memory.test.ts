// The RecordStore contract against the memory backend (with and without a data directory), and what only the file
// has: records survive a restart, the file is private, it appears at the first write, and a corrupt one is refused.
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryRecordStore, RECORDS_FILE } from '../../src/storage/memory/records.js';
import { describeRecordStoreContract } from './records.contract.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-records-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeRecordStoreContract('memory', { open: async () => createMemoryRecordStore() });
describeRecordStoreContract('memory with a data directory', { open: async () => createMemoryRecordStore(dataDir()) });

describe('memory RecordStore with a data directory', () => {
  it('keeps records, deletions included, for a new store opened on the same directory', async () => {
    const dir = dataDir();
    const first = createMemoryRecordStore(dir);
    await first.put('vault', 'a', 'secret-a');
    await first.put('vault', 'b', 'secret-b');
    await first.put('clients', 'c', 'hash-c');
    await first.delete('vault', 'b');
    const second = createMemoryRecordStore(dir);
    expect(await second.get('vault', 'a')).toBe('secret-a');
    expect(await second.get('vault', 'b')).toBeUndefined();
    expect(await second.list('clients')).toEqual([{ id: 'c', value: 'hash-c' }]);
    // A store without the directory is a different, empty one.
    expect(await createMemoryRecordStore().get('vault', 'a')).toBeUndefined();
  });

  it('writes the file readable by its owner only (0600), in a directory it creates', async () => {
    const dir = path.join(dataDir(), 'nested', 'data');
    await createMemoryRecordStore(dir).put('vault', 'a', 'secret');
    expect(statSync(path.join(dir, RECORDS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('creates no file before the first write: reads and missed deletes leave the directory alone', async () => {
    const dir = dataDir();
    const file = path.join(dir, RECORDS_FILE);
    const store = createMemoryRecordStore(dir);
    await store.get('vault', 'a');
    await store.list('vault');
    expect(await store.delete('vault', 'a')).toBe(false);
    expect(existsSync(file)).toBe(false);
    await store.put('vault', 'a', 'secret');
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a records file that is not an object of collections, naming the file', () => {
    const dir = dataDir();
    const file = path.join(dir, RECORDS_FILE);
    writeFileSync(file, '["not", "collections"]');
    expect(() => createMemoryRecordStore(dir)).toThrow(file);
  });

  it('refuses a records file that is not JSON, naming the file (not a bare SyntaxError)', () => {
    const dir = dataDir();
    const file = path.join(dir, RECORDS_FILE);
    writeFileSync(file, '{"vault": {"a": "trunc');
    expect(() => createMemoryRecordStore(dir)).toThrow(file);
  });
});
