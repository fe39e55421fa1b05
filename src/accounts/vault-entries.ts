// A key vault's stored records read and written: entries sealed under the vault key, the meta record opened with the
// master key, and the errors that stop a start, each saying the way out (the master key to set, the command to run).
import { providerKeyProblem } from './secrets.js';
import {
  createVaultMeta,
  isSealed,
  KeyVaultError,
  openVaultMeta,
  parseVaultMeta,
  seal,
  unseal,
  type Sealed,
} from './vault-crypto.js';

/** A decrypted entry: for the key pool only, never to be logged or sent anywhere but to `provider`. */
export interface VaultEntry {
  id: string;
  provider: string;
  key: string;
}

/** The vault key, and the meta record (as stored) it was derived from. */
export interface OpenedVault {
  key: Buffer;
  meta: string;
}

/**
 * A stored entry: the provider in the clear (it is bound to the ciphertext by the AAD, with the id), the key sealed.
 */
interface EntryRecord extends Sealed {
  v: 1;
  provider: string;
}

/** Where the CLI's vault commands find the vault: the gateway's own environment. */
const WITH_ENV = '(with the environment the gateway runs with)';

/** The stored record of `secret` under `key`. */
export function sealEntry(key: Buffer, id: string, provider: string, secret: string): string {
  const record: EntryRecord = { v: 1, provider, ...seal(key, secret, entryAad(id, provider)) };
  return JSON.stringify(record);
}

/**
 * A stored entry decrypted, or why it cannot be used: it does not decrypt under `key` (damaged, moved to another id or
 * provider, sealed under another vault), or it holds a key that could never be sent (stored before keys were checked).
 */
export function readEntry(key: Buffer, id: string, value: string): VaultEntry | { problem: string; provider?: string } {
  let record: Partial<EntryRecord> | undefined;
  try {
    record = JSON.parse(value) as Partial<EntryRecord>;
  } catch {
    record = undefined;
  }
  const provider = record?.provider;
  if (record?.v !== 1 || typeof provider !== 'string' || !isSealed(record)) return { problem: 'not a vault entry' };
  let secret: string;
  try {
    secret = unseal(key, record, entryAad(id, provider));
  } catch {
    return { problem: 'cannot be decrypted (damaged, or moved from another id)', provider };
  }
  const problem = providerKeyProblem(secret);
  return problem === undefined
    ? { id, provider, key: secret }
    : { problem: `holds no usable key: ${problem}`, provider };
}

/** readEntry, throwing a KeyVaultError that names `switchboard vault repair` when the entry cannot be used. */
export function decryptEntry(key: Buffer, id: string, value: string, location: string): VaultEntry {
  const entry = readEntry(key, id, value);
  if (!('problem' in entry)) return entry;
  throw new KeyVaultError(
    `The key vault entry ${id} in ${location} ${entry.problem}. Run \`switchboard vault repair\` ${WITH_ENV} to ` +
      'remove it, then add the key again with `switchboard keys add`.',
  );
}

/**
 * The AAD of an entry: binds the ciphertext to its id and provider, so a record copied under another id or provider
 * fails.
 */
function entryAad(id: string, provider: string): string {
  return `switchboard/vault/entry\n${id}\n${provider}`;
}

/** A new vault: a fresh meta record (not stored yet) and its key. */
export async function newVault(masterKey: string): Promise<OpenedVault> {
  const { meta, key } = await createVaultMeta(masterKey);
  return { key, meta: JSON.stringify(meta) };
}

/** Opens a stored meta record with `masterKey`; a wrong key is a KeyVaultError saying both ways out. */
export async function openMeta(
  masterKey: string,
  text: string,
  location: string,
  entries?: number,
): Promise<OpenedVault> {
  const meta = parseVaultMeta(text, location);
  try {
    return { key: await openVaultMeta(masterKey, meta, location), meta: text };
  } catch (err) {
    if (!(err instanceof KeyVaultError)) throw err;
    const what = entries === undefined ? 'the keys stored in it' : `the ${entries} key(s) stored in it`;
    throw new KeyVaultError(
      `SWITCHBOARD_MASTER_KEY does not open the key vault stored in ${location}. Set it (or, when it is unset, the ` +
        `master key file in the data directory) to the master key the vault ` +
        `was created with; if that key is lost, \`switchboard vault reset --yes\` ${WITH_ENV} deletes ${what}, ` +
        'to be added again with `switchboard keys add`.',
    );
  }
}

export function noMasterKey(location: string, entries: number): KeyVaultError {
  return new KeyVaultError(
    `The key vault stored in ${location} holds ${entries} key(s) but SWITCHBOARD_MASTER_KEY is not set, nor is there ` +
      `a master key file in the data directory. Set it to the master key the vault was created with (or put the ` +
      `master key file back); or, to go on without those keys, \`switchboard vault reset --yes\` ` +
      `${WITH_ENV} deletes them.`,
  );
}

export function metaMissing(location: string, entries: number): KeyVaultError {
  return new KeyVaultError(
    `The key vault stored in ${location} holds ${entries} key(s) but its meta record is missing (the store was ` +
      `emptied or restored in part), so they cannot be decrypted. Run \`switchboard vault repair\` ${WITH_ENV} to ` +
      'remove them, then add the keys again with `switchboard keys add`.',
  );
}
