// The vault's cryptography: sealing round trips, and every way a key, an AAD or a byte can be wrong is refused.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createVaultMeta,
  KeyVaultError,
  openVaultMeta,
  parseVaultMeta,
  SCRYPT_PARAMS,
  seal,
  unseal,
  type Sealed,
} from '../../../src/accounts/vault-crypto.js';

const key = randomBytes(32);

/** `sealed` with one bit of field `field` flipped. */
function flip(sealed: Sealed, field: keyof Sealed): Sealed {
  const bytes = Buffer.from(sealed[field], 'base64');
  bytes[0]! ^= 1;
  return { ...sealed, [field]: bytes.toString('base64') };
}

describe('seal and unseal', () => {
  it('round-trip a secret, with a fresh 12-byte IV each time', () => {
    const a = seal(key, 'gsk_secret_value_1234', 'aad');
    const b = seal(key, 'gsk_secret_value_1234', 'aad');
    expect(unseal(key, a, 'aad')).toBe('gsk_secret_value_1234');
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('refuses another AAD, another key, and any altered byte', () => {
    const sealed = seal(key, 'gsk_secret_value_1234', 'entry\nkey_a\ngroq');
    expect(() => unseal(key, sealed, 'entry\nkey_b\ngroq')).toThrow();
    expect(() => unseal(randomBytes(32), sealed, 'entry\nkey_a\ngroq')).toThrow();
    for (const field of ['iv', 'ct', 'tag'] as const)
      expect(() => unseal(key, flip(sealed, field), 'entry\nkey_a\ngroq')).toThrow();
  });

  it('refuses a truncated tag rather than checking fewer bytes of it', () => {
    const sealed = seal(key, 'secret', 'aad');
    const short = { ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64') };
    expect(() => unseal(key, short, 'aad')).toThrow(/malformed/);
  });
});

describe('vault meta', () => {
  it('records scrypt parameters and a 16-byte salt, and the same master key opens it to the same key', async () => {
    const { meta, key: created } = await createVaultMeta('correct horse battery staple');
    expect(meta).toMatchObject({ v: 1, kdf: 'scrypt', ...SCRYPT_PARAMS });
    expect(Buffer.from(meta.salt, 'base64')).toHaveLength(16);
    const opened = await openVaultMeta(
      'correct horse battery staple',
      parseVaultMeta(JSON.stringify(meta), 'here'),
      'here',
    );
    expect(opened.equals(created)).toBe(true);
    expect(created).toHaveLength(32);
  });

  it('gives each vault its own salt, so one master key makes different keys', async () => {
    const [a, b] = await Promise.all([createVaultMeta('same'), createVaultMeta('same')]);
    expect(a.meta.salt).not.toBe(b.meta.salt);
    expect(a.key.equals(b.key)).toBe(false);
  });

  it('detects a wrong master key with a message naming where the vault is', async () => {
    const { meta } = await createVaultMeta('the right one');
    const opening = openVaultMeta('the wrong one', meta, '/data/records.json');
    await expect(opening).rejects.toBeInstanceOf(KeyVaultError);
    await expect(opening).rejects.toThrow(
      'SWITCHBOARD_MASTER_KEY does not open the key vault stored in /data/records.json',
    );
  });

  it('refuses malformed meta records and KDF costs a tampered record could use to exhaust memory', async () => {
    const { meta } = await createVaultMeta('m');
    expect(() => parseVaultMeta('not json', 'loc')).toThrow(/meta record in loc is damaged/);
    expect(() => parseVaultMeta(JSON.stringify({ ...meta, N: 2 ** 30 }), 'loc')).toThrow(KeyVaultError);
    expect(() => parseVaultMeta(JSON.stringify({ ...meta, N: 3 ** 10 }), 'loc')).toThrow(KeyVaultError);
    expect(() => parseVaultMeta(JSON.stringify({ ...meta, salt: 'c2hvcnQ=' }), 'loc')).toThrow(KeyVaultError);
    expect(() => parseVaultMeta(JSON.stringify({ ...meta, check: 'x' }), 'loc')).toThrow(KeyVaultError);
    expect(parseVaultMeta(JSON.stringify(meta), 'loc')).toEqual(meta);
  });
});
