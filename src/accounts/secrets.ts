// Secret handling shared by the vault, client keys and admin auth: constant-time comparison, hashing, ids.
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret, hex: what is stored for a client key, and what lookups are keyed by. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * True when `given` equals `expected`, in time that does not depend on where they differ: both are hashed first,
 * so the comparison is over equal lengths and leaks neither content nor length.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The stable id of a provider key: derived from a hash of the provider and the key, so the same key has the same id
 * on every instance and after a restart, and adding it twice is one key. 48 bits of the hash of a high-entropy
 * secret tell nothing usable about it.
 */
export function providerKeyId(provider: string, key: string): string {
  return `key_${createHash('sha256').update(`${provider}\n${key}`, 'utf8').digest('hex').slice(0, 12)}`;
}

/** The bearer token of an `Authorization: Bearer …` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The longest provider key accepted. Real keys run from about 30 to 200 characters; a key goes into a request header
 * on every call, and one of 100,000 characters made each of them fail (HTTP 431) until it was removed.
 */
const MAX_PROVIDER_KEY_LENGTH = 2_048;
/** Printable ASCII without spaces: anything else could never be a key, or could split or smuggle a header. */
const PROVIDER_KEY_CHARACTERS = /^[\x21-\x7e]+$/;

/** Why `key` cannot be a provider key (empty, too long, or a character a header cannot carry), else undefined. */
export function providerKeyProblem(key: string): string | undefined {
  if (key === '') return 'the key is empty';
  if (key.length > MAX_PROVIDER_KEY_LENGTH)
    return `the key is ${key.length} characters long; provider keys have at most ${MAX_PROVIDER_KEY_LENGTH}`;
  if (!PROVIDER_KEY_CHARACTERS.test(key)) return 'the key holds a space or a character that is not printable ASCII';
  return undefined;
}
