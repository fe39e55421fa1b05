// Shapes the accounts parts share: who is calling, and what the operator sees of a provider key.
import type { KeySource, ProviderSignup } from '../catalog/types.js';
import type { LearnedLimitSet } from './learned-limits.js';

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
  /** Limits its provider said are lower than the catalog's (they are the ones applied), with what said so. */
  learnedLimits?: LearnedLimitSet;
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
  /** Every provider of the catalog and the config, on or off, with where to get a key for it. */
  providers(): KeyProviderInfo[];
  /** Whether run-time keys can be stored, and what the vault holds (`switchboard vault check`'s findings). */
  vault(): Promise<VaultState>;
}

/** A provider as the key admin shows it: on or off (and why), how many keys it has, where to get one. */
export interface KeyProviderInfo extends ProviderSignup {
  id: string;
  name: string;
  enabled: boolean;
  /** Why it is off (no key, switched off, a variable to set). */
  reason?: string;
  /** It takes no key (a local server): adding one does nothing. */
  keyless: boolean;
  /** Keys in use (0 when off). */
  keys: number;
}

/** The key vault as the admin API shows it. Never a key: ids, providers and what is wrong. */
export interface VaultState {
  /** SWITCHBOARD_MASTER_KEY is set: keys can be added at run time. */
  configured: boolean;
  /** Where the vault is kept (a file, Redis, or memory). */
  location: string;
  /** Entries stored. */
  entries: number;
  /** Entries that cannot be read, or (without an id) why the vault cannot be opened at all. */
  problems: Array<{ id?: string; provider?: string; problem: string }>;
}
