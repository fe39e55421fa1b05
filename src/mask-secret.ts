// How a secret may be shown: in key listings, logs and error messages that a provider echoed a key into.

/** A key as it may be shown: its first 4 and last 4 characters, e.g. `gsk_…3f9a`; nothing of a short one. */
export function maskSecret(secret: string): string {
  return secret.length <= 12 ? '…' : `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
