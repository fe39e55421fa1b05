// The key vault's cryptography: scrypt from SWITCHBOARD_MASTER_KEY to an AES-256-GCM key, sealed entries, the check
// value.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { SetupError } from '../errors.js';

/**
 * scrypt's cost for new vaults: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s once per start), the parameters RFC 7914
 * and OWASP give for interactive logins. They are stored with the vault, so raising them later still opens old ones.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** What the check value seals: opening it proves the master key is the vault's before any entry is touched. */
const CHECK_PLAINTEXT = 'switchboard key vault';
const CHECK_AAD = 'switchboard/vault/check';

/**
 * A vault that cannot be opened or read: wrong master key, none given, tampered or moved entries. The message is safe
 * to print, and says the way out.
 */
export class KeyVaultError extends SetupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyVaultError';
  }
}

/** One AES-256-GCM ciphertext, base64 fields: a random 12-byte IV, the ciphertext, and the 16-byte tag. */
export interface Sealed {
  iv: string;
  ct: string;
  tag: string;
}

/** The vault's one meta record: how the key is derived from the master key, and the check value sealed with it. */
export interface VaultMeta {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 of 16 random bytes. */
  salt: string;
  check: Sealed;
}

/** A new vault's meta record (fresh salt) and the key it derives from `masterKey`. */
export async function createVaultMeta(masterKey: string): Promise<{ meta: VaultMeta; key: Buffer }> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(masterKey, salt, SCRYPT_PARAMS);
  const meta: VaultMeta = {
    v: 1,
    kdf: 'scrypt',
    ...SCRYPT_PARAMS,
    salt: salt.toString('base64'),
    check: seal(key, CHECK_PLAINTEXT, CHECK_AAD),
  };
  return { meta, key };
}

/**
 * Derives the vault key from `masterKey` with `meta`'s salt and parameters, and proves it with the check value.
 * Throws KeyVaultError naming `location` when the master key is not the one the vault was created with.
 */
export async function openVaultMeta(masterKey: string, meta: VaultMeta, location: string): Promise<Buffer> {
  const key = await deriveKey(masterKey, Buffer.from(meta.salt, 'base64'), meta);
  let check: string | undefined;
  try {
    check = unseal(key, meta.check, CHECK_AAD);
  } catch {
    // GCM's tag does not match: the key is wrong (or the meta record was altered); either way, do not go on.
  }
  if (check !== CHECK_PLAINTEXT) {
    throw new KeyVaultError(
      `SWITCHBOARD_MASTER_KEY does not open the key vault stored in ${location}: set the master key the vault was created with`,
    );
  }
  return key;
}

/**
 * Reads a stored meta record, refusing anything malformed, and KDF costs out of bounds (a tampered record could ask for
 * gigabytes).
 */
export function parseVaultMeta(text: string, location: string): VaultMeta {
  let value: Partial<VaultMeta> | undefined;
  try {
    value = JSON.parse(text) as Partial<VaultMeta>;
  } catch {
    value = undefined;
  }
  const ok =
    value?.v === 1 &&
    value.kdf === 'scrypt' &&
    isPowerOfTwo(value.N) &&
    value.N >= 2 ** 14 &&
    value.N <= 2 ** 20 &&
    isIntIn(value.r, 1, 32) &&
    isIntIn(value.p, 1, 16) &&
    typeof value.salt === 'string' &&
    Buffer.from(value.salt, 'base64').length === SALT_BYTES &&
    isSealed(value.check);
  if (!ok) {
    throw new KeyVaultError(
      `The key vault's meta record in ${location} is damaged, so its keys cannot be decrypted. Run ` +
        '`switchboard vault repair` (with the environment the gateway runs with) to remove it and the keys sealed ' +
        'under it, then add the keys again with `switchboard keys add`.',
    );
  }
  return value as VaultMeta;
}

/**
 * Encrypts `plaintext` under `key` with a fresh random IV; `aad` is authenticated, not stored: unseal needs the same.
 */
export function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/**
 * Decrypts `sealed`; throws when the key, the AAD or any byte differs from what seal used (GCM authenticates all
 * three).
 */
export function unseal(key: Buffer, sealed: Sealed, aad: string): string {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  // A short IV or tag would weaken GCM's guarantees: refuse rather than decrypt.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('malformed sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
}

/** True when `value` has a Sealed's shape (not that it decrypts). */
export function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null) return false;
  const { iv, ct, tag } = value as Record<string, unknown>;
  return typeof iv === 'string' && typeof ct === 'string' && typeof tag === 'string';
}

function deriveKey(masterKey: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const { N, r, p } = params;
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N = 2^15, r = 8, which OpenSSL's overhead
  // exceeds.
  const maxmem = 256 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(masterKey.normalize('NFC'), salt, KEY_BYTES, { N, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function isPowerOfTwo(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) > 1 && ((n as number) & ((n as number) - 1)) === 0;
}

function isIntIn(n: unknown, min: number, max: number): n is number {
  return Number.isInteger(n) && (n as number) >= min && (n as number) <= max;
}
