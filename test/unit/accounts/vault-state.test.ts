// vaultState, what GET /admin/vault answers: whether keys can be stored, how many are, and what cannot be read, with
// a vault it cannot open told as a problem rather than thrown.
import { describe, expect, it } from 'vitest';
import { createKeyVault, VAULT_COLLECTION } from '../../../src/accounts/key-vault.js';
import { providerKeyId } from '../../../src/accounts/secrets.js';
import { vaultState } from '../../../src/accounts/vault-repair.js';
import { createMemoryRecordStore } from '../../../src/storage/memory/records.js';

const MASTER = 'master-key-for-tests-0123456789';
const GROQ_KEY = 'gsk_live_9f8e7d6c5b4a39281706f3f9a';
const MISTRAL_KEY = 'mistral-0a1b2c3d4e5f60718293a4b5';
const WHERE = '/data/switchboard.db';

async function vaultWithTwoKeys() {
  const records = createMemoryRecordStore();
  const vault = await createKeyVault({ records, masterKey: MASTER, location: WHERE });
  await vault.add('groq', GROQ_KEY);
  await vault.add('mistral', MISTRAL_KEY);
  return records;
}

describe('vaultState', () => {
  it('says an empty vault without a master key cannot store keys', async () => {
    expect(await vaultState(createMemoryRecordStore(), undefined, WHERE)).toEqual({
      configured: false,
      location: WHERE,
      entries: 0,
      problems: [],
    });
  });

  it('counts readable entries and names the one that cannot be decrypted, by id and provider', async () => {
    const records = await vaultWithTwoKeys();
    expect(await vaultState(records, MASTER, WHERE)).toEqual({
      configured: true,
      location: WHERE,
      entries: 2,
      problems: [],
    });
    // The mistral entry moved under the groq id: its AAD no longer matches.
    const mistral = await records.get(VAULT_COLLECTION, providerKeyId('mistral', MISTRAL_KEY));
    await records.put(VAULT_COLLECTION, providerKeyId('groq', GROQ_KEY), mistral!);
    const state = await vaultState(records, MASTER, WHERE);
    expect(state.entries).toBe(2);
    expect(state.problems).toEqual([
      { id: providerKeyId('groq', GROQ_KEY), provider: 'mistral', problem: expect.stringContaining('decrypted') },
    ]);
  });

  it('answers a wrong or missing master key with a problem saying the way out, and never a key', async () => {
    const records = await vaultWithTwoKeys();
    for (const masterKey of ['not-the-master-key-0123456', undefined]) {
      const state = await vaultState(records, masterKey, WHERE);
      expect(state).toMatchObject({ configured: masterKey !== undefined, entries: 2 });
      expect(state.problems).toEqual([{ problem: expect.stringContaining('switchboard vault reset') }]);
      expect(JSON.stringify(state)).not.toContain(GROQ_KEY);
      expect(JSON.stringify(state)).not.toContain(MISTRAL_KEY);
    }
  });
});
