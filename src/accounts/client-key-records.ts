// How a client key is stored: its settings and the SHA-256 of the key (never the key), one JSON record per key.
import { z } from 'zod';
import type { ClientKeyInfo } from './types.js';

const StoredKey = z.object({
  id: z.string().min(1),
  name: z.string(),
  models: z.array(z.string()).optional(),
  rpm: z.number().int().positive().optional(),
  dailyTokens: z.number().int().positive().optional(),
  createdAt: z.number(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredKey = z.infer<typeof StoredKey>;

/** The index by hash of the stored records; a record that does not parse is left out (that key stops working). */
export function indexOf(records: Array<{ id: string; value: string }>): Map<string, StoredKey> {
  const index = new Map<string, StoredKey>();
  for (const { value } of records) {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      continue;
    }
    const parsed = StoredKey.safeParse(json);
    if (parsed.success) index.set(parsed.data.hash, parsed.data);
  }
  return index;
}

/** A stored key without its hash. */
export function publicInfo(stored: StoredKey): ClientKeyInfo {
  const { hash: _hash, ...info } = stored;
  return info;
}
