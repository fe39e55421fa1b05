// The key vault: provider keys added at run time, encrypted at rest (AES-256-GCM) in a RecordStore (Redis or the data
// dir's file).
import { badRequest, GatewayError } from '../errors.js';
import type { RecordStore } from '../storage/types.js';
import { maskSecret } from '../mask-secret.js';
import { providerKeyId, providerKeyProblem } from './secrets.js';
import { KeyVaultError } from './vault-crypto.js';
import {
  decryptEntry,
  metaMissing,
  newVault,
  noMasterKey,
  openMeta,
  sealEntry,
  type OpenedVault,
  type VaultEntry,
} from './vault-entries.js';

export { KeyVaultError } from './vault-crypto.js';
export type { VaultEntry } from './vault-entries.js';

/** The collection of encrypted entries, keyed by providerKeyId(provider, key). */
export const VAULT_COLLECTION = 'vault';
/** The collection holding the one meta record (salt, KDF parameters, check value). */
export const VAULT_META_COLLECTION = 'vault-meta';
export const META_ID = 'meta';

/** A stored key as it may be shown: never the secret. */
export interface StoredKey {
  id: string;
  provider: string;
  masked: string;
}

export interface KeyVault {
  /** True when keys can be added: a master key is set. */
  readonly canStore: boolean;
  /**
   * Encrypts and stores `key`; adding the same key again is the same entry. Throws GatewayError 503 `vault_locked`
   * without a master key, 400 for a key that cannot be one (providerKeyProblem).
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

/** How many times add() seals again under a meta record another instance wrote meanwhile, before giving up. */
const MAX_ADD_ATTEMPTS = 3;

/**
 * Opens the vault in `records`. When a master key is given and the vault has a meta record, the key is derived and
 * checked now, so a wrong SWITCHBOARD_MASTER_KEY stops the gateway at start (KeyVaultError) instead of losing keys.
 * Without a master key, a vault that holds entries is an error too: starting without them would drop keys silently.
 * Every KeyVaultError message says the way out (the master key to set, or the `switchboard vault` command to run).
 */
export async function createKeyVault(options: KeyVaultOptions): Promise<KeyVault> {
  const { records } = options;
  const masterKey = options.masterKey === '' ? undefined : options.masterKey;
  const location = options.location ?? 'the record store';
  const stored = await records.list(VAULT_COLLECTION);
  if (masterKey === undefined && stored.length > 0) throw noMasterKey(location, stored.length);
  const metaText = await records.get(VAULT_META_COLLECTION, META_ID);
  if (masterKey !== undefined && metaText === undefined && stored.length > 0)
    throw metaMissing(location, stored.length);
  // A promise, not a key: concurrent first adds must share one derivation and one meta record, not race two salts.
  let current: Promise<OpenedVault> | undefined;
  if (masterKey !== undefined && metaText !== undefined) {
    const opened = await openMeta(masterKey, metaText, location, stored.length);
    current = Promise.resolve(opened);
  }

  /**
   * The vault key for the meta record stored now (`stored`; undefined when there is none). It is derived again only
   * when that record is not the one known here (another instance made a new vault after the store was emptied). With
   * none stored, the one known here is kept (add() writes it back), or a new one made (written by add() only: merely
   * starting with a master key pins nothing). Concurrent first adds share one new record.
   */
  const openFor = (secret: string, stored: string | undefined): Promise<OpenedVault> => {
    const known = current;
    const attempt = (async () => {
      const opened = await known?.catch(() => undefined);
      if (opened !== undefined && (stored === undefined || stored === opened.meta)) return opened;
      return stored === undefined ? newVault(secret) : openMeta(secret, stored, location);
    })();
    current = attempt;
    // A failed attempt (a damaged or foreign record) is not kept: the next call tries again.
    attempt.catch(() => {
      if (current === attempt) current = undefined;
    });
    return attempt;
  };

  return {
    canStore: masterKey !== undefined,
    async add(provider, secret) {
      if (masterKey === undefined) throw vaultLocked();
      if (provider === '') throw badRequest('A key needs a provider', 'provider');
      const problem = providerKeyProblem(secret);
      if (problem !== undefined) throw badRequest(`Invalid value for 'key': ${problem}`, 'key');
      const id = providerKeyId(provider, secret);
      let stored = await records.get(VAULT_META_COLLECTION, META_ID);
      for (let attempt = 0; attempt < MAX_ADD_ATTEMPTS; attempt += 1) {
        const opened = await openFor(masterKey, stored).catch(unusable);
        const record = sealEntry(opened.key, id, provider, secret);
        // The entry and its meta record in one step: written again when already there (same id, same key, and a
        // damaged record is healed); the meta written back when the store lost it; refused when another is stored.
        const guard = { collection: VAULT_META_COLLECTION, id: META_ID, value: opened.meta };
        stored = await records.putGuarded(VAULT_COLLECTION, id, record, guard);
        if (stored === opened.meta) return { id, provider, masked: maskSecret(secret) };
      }
      throw unusable(new KeyVaultError(`The key vault's meta record in ${location} keeps changing: try again`));
    },
    remove: (id) => records.delete(VAULT_COLLECTION, id),
    async has(id) {
      return (await records.get(VAULT_COLLECTION, id)) !== undefined;
    },
    async entries() {
      const list = await records.list(VAULT_COLLECTION);
      if (list.length === 0) return [];
      if (masterKey === undefined) throw noMasterKey(location, list.length);
      const meta = await records.get(VAULT_META_COLLECTION, META_ID);
      if (meta === undefined) throw metaMissing(location, list.length);
      const { key } = await openFor(masterKey, meta);
      return list.map(({ id, value }) => decryptEntry(key, id, value, location));
    },
  };
}

/** A vault this instance cannot write to (a record it cannot open, written meanwhile), as a 503 for the admin. */
function unusable(err: unknown): never {
  if (!(err instanceof KeyVaultError)) throw err;
  throw new GatewayError(err.message, { status: 503, type: 'service_unavailable', code: 'vault_unusable', cause: err });
}

function vaultLocked(): GatewayError {
  return new GatewayError(
    'Keys cannot be added at run time: SWITCHBOARD_MASTER_KEY is not set, so there is nothing to encrypt them with. ' +
      'Set it (e.g. to the output of `openssl rand -base64 32`) and restart, or give the key in the environment or switchboard.yaml',
    { status: 503, type: 'service_unavailable', code: 'vault_locked' },
  );
}
