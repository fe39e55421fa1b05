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
