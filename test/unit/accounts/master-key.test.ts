// Where the vault's master key comes from: the variable first, else the data directory's file, which must be private.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMasterKeyFile, readMasterKey } from '../../../src/accounts/master-key.js';

function dataDir(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'sb-master-')), 'data');
}

describe('the master key', () => {
  it('is none when neither the variable nor the file is there', () => {
    const dir = dataDir();
    expect(readMasterKey({ SWITCHBOARD_DATA_DIR: dir })).toEqual({
      key: undefined,
      source: 'none',
      file: path.join(dir, 'master.key'),
    });
  });

  it('is created private, read back, and never overwritten', () => {
    const env = { SWITCHBOARD_DATA_DIR: dataDir() };
    const created = createMasterKeyFile(env);
    expect(created.key).toMatch(/^[\w-]{43}$/);
    expect(statSync(created.file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(created.file)).mode & 0o777).toBe(0o700);
    expect(readMasterKey(env)).toEqual(created);
    expect(() => createMasterKeyFile(env)).toThrow(/EEXIST/);
    expect(readFileSync(created.file, 'utf8')).toBe(`${created.key}\n`);
  });

  it('comes from SWITCHBOARD_MASTER_KEY before the file', () => {
    const env = { SWITCHBOARD_DATA_DIR: dataDir() };
    createMasterKeyFile(env);
    expect(readMasterKey({ ...env, SWITCHBOARD_MASTER_KEY: 'from-env' })).toMatchObject({
      key: 'from-env',
      source: 'env',
    });
  });

  it('refuses a file other users may read, and an empty one, saying what to do', () => {
    const env = { SWITCHBOARD_DATA_DIR: dataDir() };
    const { file } = createMasterKeyFile(env);
    chmodSync(file, 0o644);
    expect(() => readMasterKey(env)).toThrow(`may be read by other users (mode 644): run chmod 600 ${file}`);
    chmodSync(file, 0o600);
    writeFileSync(file, '\n');
    expect(() => readMasterKey(env)).toThrow(/is empty: delete it, or set SWITCHBOARD_MASTER_KEY/);
  });
});
