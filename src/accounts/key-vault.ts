// The key vault: provider keys added at run time, encrypted at rest (AES-256-GCM) in a RecordStore (Redis or the data
// dir's file).
import { badRequest, GatewayError } from '../errors.js';
import type { RecordStore } from '../storage/types.js';
import { maskSecret } from '../mask-secret.js';
import { providerKeyId } from './secrets.js';
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

export { KeyVaultError } from './vault-crypto.js';

/** The collection of encrypted entries, keyed by providerKeyId(provider, key). */
export const VAULT_COLLECTION = 'vault';
/** The collection holding the one meta record (salt, KDF parameters, check value). */
const VAULT_META_COLLECTION = 'vault-meta';
const META_ID = 'meta';

/** A stored key as it may be shown: never the secret. */
export interface StoredKey {
  id: string;
  provider: string;
  masked: string;
}

/** A decrypted entry: for the key pool only, never to be logged or sent anywhere but to `provider`. */
export interface VaultEntry {
  id: string;
  provider: string;
  key: string;
}

export interface KeyVault {
  /** True when keys can be added: a master key is set. */
  readonly canStore: boolean;
  /**
   * Encrypts and stores `key`; adding the same key again is the same entry. Throws GatewayError 503 `vault_locked`
   * without a master key.
   */
  add(provider: string, key: string): Promise<StoredKey>;
  /** False when there was no entry with that id. */
  remove(id: string): Promise<boolean>;
  /** Every entry, decrypted (read afresh: another instance on the same Redis may have changed them). */
  entries(): Promise<VaultEntry[]>;
  has(id: string): Promise<boolean>;
}

export interface KeyVaultOptions {
  records: RecordStore;
  /** SWITCHBOARD_MASTER_KEY; unset or empty: the vault is read-only and must be empty. */
  masterKey?: string | undefined;
  /** Where the records live, for error messages (e.g. "/data/records.json" or "Redis at redis://…"). */
  location?: string;
}

/**
 * A stored entry: the provider in the clear (it is bound to the ciphertext by the AAD, with the id), the key sealed.
 */
interface EntryRecord extends Sealed {
  v: 1;
  provider: string;
}

/**
 * Opens the vault in `records`. When a master key is given and the vault has a meta record, the key is derived and
 * checked now, so a wrong SWITCHBOARD_MASTER_KEY stops the gateway at start (KeyVaultError) instead of losing keys.
 * Without a master key, a vault that holds entries is an error too: starting without them would drop keys silently.
 */
export async function createKeyVault(options: KeyVaultOptions): Promise<KeyVault> {
  const { records } = options;
  const masterKey = options.masterKey === '' ? undefined : options.masterKey;
  const location = options.location ?? 'the record store';
  const stored = await records.list(VAULT_COLLECTION);
  if (masterKey === undefined && stored.length > 0) {
    throw new KeyVaultError(
      `The key vault stored in ${location} holds ${stored.length} key(s) but SWITCHBOARD_MASTER_KEY is not set: ` +
        'set it to the master key the vault was created with',
    );
  }
  const opened = await openExisting(records, masterKey, location);
  if (opened === undefined && masterKey !== undefined && stored.length > 0) {
    throw new KeyVaultError(
      `The key vault stored in ${location} holds keys but its meta record is missing: they cannot be decrypted`,
    );
  }
  // A promise, not a key: concurrent first adds must share one derivation and one meta record, not race two salts.
  let key: Promise<Buffer> | undefined = opened === undefined ? undefined : Promise.resolve(opened);

  /** The vault key, creating the meta record on the first add (so merely starting with a master key pins nothing). */
  const vaultKey = (secret: string): Promise<Buffer> => {
    if (key !== undefined) return key;
    const attempt = openExisting(records, secret, location).then((k) => k ?? createMeta(records, secret, location));
    key = attempt;
    // A failed attempt (storage down) is not cached: the next add tries again.
    attempt.catch(() => {
      if (key === attempt) key = undefined;
    });
    return attempt;
  };

  return {
    canStore: masterKey !== undefined,
    async add(provider, secret) {
      if (masterKey === undefined) throw vaultLocked();
      if (provider === '' || secret === '')
        throw badRequest('A key needs a provider and a non-empty secret', secret === '' ? 'key' : 'provider');
      const id = providerKeyId(provider, secret);
      const sealed = seal(await vaultKey(masterKey), secret, entryAad(id, provider));
      const record: EntryRecord = { v: 1, provider, ...sealed };
      // Written again when already there: same id, same key, and a damaged record is healed.
      await records.put(VAULT_COLLECTION, id, JSON.stringify(record));
      return { id, provider, masked: maskSecret(secret) };
    },
    remove: (id) => records.delete(VAULT_COLLECTION, id),
    async has(id) {
      return (await records.get(VAULT_COLLECTION, id)) !== undefined;
    },
    async entries() {
      const list = await records.list(VAULT_COLLECTION);
      if (list.length === 0) return [];
      if (masterKey === undefined) {
        throw new KeyVaultError(`The key vault stored in ${location} holds keys but SWITCHBOARD_MASTER_KEY is not set`);
      }
      const k = await vaultKey(masterKey);
      return list.map(({ id, value }) => decryptEntry(k, id, value, location));
    },
  };
}

/**
 * The AAD of an entry: binds the ciphertext to its id and provider, so a record copied under another id or provider
 * fails.
 */
function entryAad(id: string, provider: string): string {
  return `switchboard/vault/entry\n${id}\n${provider}`;
}

function decryptEntry(key: Buffer, id: string, value: string, location: string): VaultEntry {
  let record: Partial<EntryRecord> | undefined;
  try {
    record = JSON.parse(value) as Partial<EntryRecord>;
  } catch {
    record = undefined;
  }
  const provider = record?.provider;
  if (record?.v === 1 && typeof provider === 'string' && isSealed(record)) {
    try {
      return { id, provider, key: unseal(key, record, entryAad(id, provider)) };
    } catch {
      // Fall through: the tag does not match this id, provider and key.
    }
  }
  throw new KeyVaultError(
    `The key vault entry ${id} in ${location} cannot be decrypted (damaged, or moved from another id): remove it with \`switchboard keys remove ${id}\``,
  );
}

async function openExisting(
  records: RecordStore,
  masterKey: string | undefined,
  location: string,
): Promise<Buffer | undefined> {
  const text = await records.get(VAULT_META_COLLECTION, META_ID);
  if (text === undefined || masterKey === undefined) return undefined;
  return openVaultMeta(masterKey, parseVaultMeta(text, location), location);
}

/**
 * Writes a new meta record, then reads it back and uses whatever is stored: when two instances on one Redis add their
 * first key at once, the last write wins and both adopt it (a record store has no compare-and-set).
 */
async function createMeta(records: RecordStore, masterKey: string, location: string): Promise<Buffer> {
  const { meta, key } = await createVaultMeta(masterKey);
  const text = JSON.stringify(meta);
  await records.put(VAULT_META_COLLECTION, META_ID, text);
  const stored = await records.get(VAULT_META_COLLECTION, META_ID);
  if (stored === undefined || stored === text) return key;
  return openVaultMeta(masterKey, parseVaultMeta(stored, location), location);
}

function vaultLocked(): GatewayError {
  return new GatewayError(
    'Keys cannot be added at run time: SWITCHBOARD_MASTER_KEY is not set, so there is nothing to encrypt them with. ' +
      'Set it (e.g. to the output of `openssl rand -base64 32`) and restart, or give the key in the environment or switchboard.yaml',
    { status: 503, type: 'service_unavailable', code: 'vault_locked' },
  );
}
