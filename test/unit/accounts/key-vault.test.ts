// The key vault over the file-backed record store: round trips across restarts, refusals, and nothing readable on disk.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createKeyVault,
  KeyVaultError,
  META_ID,
  VAULT_COLLECTION,
  VAULT_META_COLLECTION,
} from '../../../src/accounts/key-vault.js';
import { providerKeyId } from '../../../src/accounts/secrets.js';
import { GatewayError } from '../../../src/errors.js';
import { createMemoryRecordStore, RECORDS_FILE } from '../../../src/storage/memory/records.js';

const MASTER = 'master-key-for-tests-0123456789';
const GROQ_KEY = 'gsk_live_9f8e7d6c5b4a39281706f3f9a';
const MISTRAL_KEY = 'mistral-0a1b2c3d4e5f60718293a4b5';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-vault-'));
  dirs.push(dir);
  return dir;
}

/** A vault on `dir` as a fresh process would open it; `masterKey` null: none is set. */
function open(dir: string, masterKey: string | null = MASTER) {
  return createKeyVault({
    records: createMemoryRecordStore(dir),
    masterKey: masterKey ?? undefined,
    location: path.join(dir, RECORDS_FILE),
  });
}

describe('createKeyVault', () => {
  it('stores keys that a restart with the same master key decrypts', async () => {
    const dir = dataDir();
    const vault = await open(dir);
    expect(vault.canStore).toBe(true);
    expect(await vault.add('groq', GROQ_KEY)).toEqual({
      id: providerKeyId('groq', GROQ_KEY),
      provider: 'groq',
      masked: 'gsk_…3f9a',
    });
    await vault.add('mistral', MISTRAL_KEY);
    const reopened = await open(dir);
    const entries = await reopened.entries();
    expect(entries.sort((a, b) => a.provider.localeCompare(b.provider))).toEqual([
      { id: providerKeyId('groq', GROQ_KEY), provider: 'groq', key: GROQ_KEY },
      { id: providerKeyId('mistral', MISTRAL_KEY), provider: 'mistral', key: MISTRAL_KEY },
    ]);
  });

  it('writes no plaintext key to the records file, nor its base64', async () => {
    const dir = dataDir();
    const vault = await open(dir);
    await vault.add('groq', GROQ_KEY);
    const text = readFileSync(path.join(dir, RECORDS_FILE), 'utf8');
    expect(text).toContain(providerKeyId('groq', GROQ_KEY));
    expect(text).not.toContain(GROQ_KEY);
    expect(text).not.toContain(Buffer.from(GROQ_KEY).toString('base64').slice(0, 16));
    expect(text).not.toContain(MASTER);
  });

  it('refuses to open with a wrong master key, saying so', async () => {
    const dir = dataDir();
    await (await open(dir)).add('groq', GROQ_KEY);
    const opening = open(dir, 'not-the-master-key');
    await expect(opening).rejects.toBeInstanceOf(KeyVaultError);
    await expect(opening).rejects.toThrow(
      `SWITCHBOARD_MASTER_KEY does not open the key vault stored in ${path.join(dir, RECORDS_FILE)}`,
    );
  });

  it('refuses an entry moved to another id or provider (the AAD binds both)', async () => {
    const records = createMemoryRecordStore();
    const vault = await createKeyVault({ records, masterKey: MASTER });
    const { id } = await vault.add('groq', GROQ_KEY);
    const value = (await records.get(VAULT_COLLECTION, id))!;
    await records.delete(VAULT_COLLECTION, id);
    await records.put(VAULT_COLLECTION, 'key_000000000000', value);
    await expect(vault.entries()).rejects.toThrow(/entry key_000000000000 .* cannot be decrypted/);
    await records.delete(VAULT_COLLECTION, 'key_000000000000');
    await records.put(VAULT_COLLECTION, id, value.replace('"provider":"groq"', '"provider":"mistral"'));
    await expect(vault.entries()).rejects.toThrow(KeyVaultError);
    await records.put(VAULT_COLLECTION, id, value);
    expect(await vault.entries()).toEqual([{ id, provider: 'groq', key: GROQ_KEY }]);
  });

  it('adds the same key twice as one entry, and removes it by id', async () => {
    const vault = await createKeyVault({ records: createMemoryRecordStore(), masterKey: MASTER });
    const first = await vault.add('groq', GROQ_KEY);
    const second = await vault.add('groq', GROQ_KEY);
    expect(second).toEqual(first);
    expect(await vault.entries()).toHaveLength(1);
    expect(await vault.has(first.id)).toBe(true);
    expect(await vault.remove(first.id)).toBe(true);
    expect(await vault.remove(first.id)).toBe(false);
    expect(await vault.has(first.id)).toBe(false);
    expect(await vault.entries()).toEqual([]);
  });

  it('derives one key for concurrent first adds, so every entry opens after a restart', async () => {
    const dir = dataDir();
    const vault = await open(dir);
    await Promise.all([vault.add('groq', GROQ_KEY), vault.add('mistral', MISTRAL_KEY)]);
    expect(await (await open(dir)).entries()).toHaveLength(2);
  });

  it('refuses to add without a master key, with a 503 vault_locked telling what to set', async () => {
    const vault = await createKeyVault({ records: createMemoryRecordStore() });
    expect(vault.canStore).toBe(false);
    expect(await vault.entries()).toEqual([]);
    const adding = vault.add('groq', GROQ_KEY);
    await expect(adding).rejects.toBeInstanceOf(GatewayError);
    await expect(adding).rejects.toMatchObject({
      status: 503,
      code: 'vault_locked',
      message: expect.stringContaining('SWITCHBOARD_MASTER_KEY is not set'),
    });
    expect(((await adding.catch((err: unknown) => err)) as Error).message).not.toContain(GROQ_KEY);
    expect((await createKeyVault({ records: createMemoryRecordStore(), masterKey: '' })).canStore).toBe(false);
  });

  it('refuses to open a vault holding keys without a master key, rather than drop them', async () => {
    const dir = dataDir();
    await (await open(dir)).add('groq', GROQ_KEY);
    await expect(open(dir, null)).rejects.toThrow(/holds 1 key\(s\) but SWITCHBOARD_MASTER_KEY is not set/);
  });

  it('does not pin a master key until the first key is stored', async () => {
    const dir = dataDir();
    await open(dir, 'first-master-key');
    const vault = await open(dir, 'second-master-key');
    await vault.add('groq', GROQ_KEY);
    expect(await (await open(dir, 'second-master-key')).entries()).toHaveLength(1);
  });

  it('writes the meta record back with the next entry when the store lost both, so a new start opens it', async () => {
    const records = createMemoryRecordStore();
    const vault = await createKeyVault({ records, masterKey: MASTER });
    await vault.add('groq', GROQ_KEY);
    // The store comes back empty (a Redis restarted without persistence); this vault still holds the key it derived.
    for (const collection of [VAULT_COLLECTION, VAULT_META_COLLECTION])
      for (const { id } of await records.list(collection)) await records.delete(collection, id);
    await vault.add('mistral', MISTRAL_KEY);
    expect(await records.get(VAULT_META_COLLECTION, META_ID)).toBeDefined();
    const restarted = await createKeyVault({ records, masterKey: MASTER });
    expect((await restarted.entries()).map((e) => e.key)).toEqual([MISTRAL_KEY]);
  });

  it('seals under the meta record another instance wrote after the store was emptied, not under its own', async () => {
    const records = createMemoryRecordStore();
    const a = await createKeyVault({ records, masterKey: MASTER });
    await a.add('groq', GROQ_KEY);
    await records.delete(VAULT_META_COLLECTION, META_ID);
    await records.delete(VAULT_COLLECTION, providerKeyId('groq', GROQ_KEY));
    // B starts on the empty store and makes a new vault (a new salt) with its first key.
    const b = await createKeyVault({ records, masterKey: MASTER });
    await b.add('groq', GROQ_KEY);
    await a.add('mistral', MISTRAL_KEY);
    const restarted = await createKeyVault({ records, masterKey: MASTER });
    expect((await restarted.entries()).map((e) => e.provider).sort()).toEqual(['groq', 'mistral']);
    expect((await a.entries()).map((e) => e.provider).sort()).toEqual(['groq', 'mistral']);
  });

  it('refuses a key that could never be sent: too long, or with spaces (400 on key), and stores nothing', async () => {
    const records = createMemoryRecordStore();
    const vault = await createKeyVault({ records, masterKey: MASTER });
    for (const bad of ['x'.repeat(100_000), 'two words', 'tab\there', 'ünïcode-key']) {
      await expect(vault.add('groq', bad)).rejects.toMatchObject({ status: 400, param: 'key' });
    }
    expect(await records.list(VAULT_COLLECTION)).toEqual([]);
  });

  it('says the way out in every message that stops a start: the master key to set or the command to run', async () => {
    const records = createMemoryRecordStore();
    await (await createKeyVault({ records, masterKey: MASTER })).add('groq', GROQ_KEY);
    await expect(createKeyVault({ records })).rejects.toThrow(/switchboard vault reset --yes/);
    await expect(createKeyVault({ records, masterKey: 'wrong' })).rejects.toThrow(/switchboard vault reset --yes/);
    const meta = (await records.get(VAULT_META_COLLECTION, META_ID))!;
    await records.put(VAULT_META_COLLECTION, META_ID, '{"v":1}');
    await expect(createKeyVault({ records, masterKey: MASTER })).rejects.toThrow(/damaged.*switchboard vault repair/s);
    await records.delete(VAULT_META_COLLECTION, META_ID);
    await expect(createKeyVault({ records, masterKey: MASTER })).rejects.toThrow(
      /meta record is missing.*switchboard vault repair/s,
    );
    await records.put(VAULT_META_COLLECTION, META_ID, meta);
    await records.put(VAULT_COLLECTION, 'key_000000000000', '{"v":1,"provider":"groq","iv":"","ct":"","tag":""}');
    const vault = await createKeyVault({ records, masterKey: MASTER });
    await expect(vault.entries()).rejects.toThrow(/key_000000000000 .*switchboard vault repair/s);
  });
});
