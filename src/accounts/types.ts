// Shapes the accounts parts share: who is calling, and what the operator sees of a provider key.
import type { KeySource } from '../catalog/types.js';

/** A gateway client key's settings, as stored (hashed secret aside). */
export interface ClientKeyInfo {
  id: string;
  name: string;
  /** Models (`provider/model`) this key may use; all when absent. */
  models?: string[];
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (prompt + completion) per rolling 24 hours. */
  dailyTokens?: number;
  createdAt: number;
}

/** Who made a request: nobody in particular (auth off), a client key, or the admin. */
export type Caller = { kind: 'anonymous' } | { kind: 'client'; client: ClientKeyInfo } | { kind: 'admin' };

/**
 * A key's health: usable, resting until a time (429, spent quota), or disabled for good (401/403, failed validation).
 */
export type KeyStatus = 'active' | 'cooling' | 'disabled';

/** A provider key as the admin API and the CLI show it: never the secret, only its masked form. */
export interface KeyInfo {
  id: string;
  provider: string;
  masked: string;
  source: KeySource;
  status: KeyStatus;
  /** Why it is cooling or disabled. */
  reason?: string;
  /** Cooling: when it is usable again (ms since the epoch). */
  until?: number;
  /** Calls made with it by this instance since start. */
  uses: number;
}

/** What the admin key routes and `switchboard keys` need from the accounts layer. */
export interface KeyAdmin {
  /** True when run-time keys can be stored (SWITCHBOARD_MASTER_KEY is set). */
  readonly canStore: boolean;
  /** Stores the key encrypted and starts using it; enables the provider if it was off for want of a key. */
  add(provider: string, key: string): Promise<KeyInfo>;
  list(): Promise<KeyInfo[]>;
  /** Removes a run-time key; false when there is none with that id. Throws for env or config keys. */
  remove(id: string): Promise<boolean>;
  /** Probes the provider's model list with the key and records its health. */
  validate(id: string): Promise<KeyInfo & { ok: boolean; message?: string }>;
}
