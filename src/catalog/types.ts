// The resolved catalog: the providers that are on (with their keys) and their models, indexed for routing.
import type { ModelConfig, ProviderEntry } from '../config/schema.js';
import type { EmbeddingProtocol } from '../providers/embedding-protocols.js';
import type { Protocol } from '../providers/protocols.js';

/** Where a provider key came from. */
export type KeySource = 'env' | 'config' | 'vault';

/** One key of a provider: the secret, and how it may be named and shown. */
export interface ProviderKey {
  /** Stable id derived from the provider and the key (providerKeyId). */
  id: string;
  secret: string;
  masked: string;
  source: KeySource;
}

/**
 * The keys of a provider entry (after the config is merged into the catalog), in the order to rotate over them.
 * The accounts layer supplies it: keys come from the config, the environment and the vault.
 */
export type KeysOf = (entry: ProviderEntry) => ProviderKey[];

/** A provider that is switched on: everything needed to call it (and where to get another key). */
export interface ResolvedProvider extends ProviderSignup {
  id: string;
  name: string;
  protocol: Protocol;
  baseUrl: string;
  /** Keys to rotate over (config, then environment, then vault); empty for keyless providers. */
  keys: ProviderKey[];
  headers: Record<string, string>;
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  limits: NonNullable<ProviderEntry['limits']>;
  /** Its upstream pool: connections per origin (absent: its concurrency cap) and whether HTTP/2 is offered. */
  maxConnections?: number;
  http2?: boolean;
  models: ResolvedModel[];
  /** Where its embedding models are called (the entry's `embeddings`, else its own protocol and URL); absent: none. */
  embeddings?: { protocol: EmbeddingProtocol; baseUrl: string };
}

/** Where a user gets a key for a provider, as the catalog says: what the console and the CLI tell someone adding one. */
export interface ProviderSignup {
  /** The environment variables its keys are read from. */
  keyEnv: string[];
  signupUrl?: string;
  /** Its free tier (or that it has none), in a sentence or two. */
  notes?: string;
  /** A one-time trial credit instead of a lasting free tier (see the config schema's `trialCredit`). */
  trialCredit?: NonNullable<ProviderEntry['trialCredit']>;
}

/** A model of an enabled provider; `ref` is the public id `provider/model`. */
export interface ResolvedModel {
  ref: string;
  provider: ResolvedProvider;
  config: ModelConfig;
}

/**
 * Providers and models switched on or off at run time (the console), over the catalog's and the config's `enabled`:
 * undefined leaves the entry's own setting. Read at each resolve.
 */
export interface CatalogSwitches {
  provider(id: string): boolean | undefined;
  model(ref: string): boolean | undefined;
}

/** The enabled providers and models of a gateway, with the lookups routing needs. */
export interface ResolvedCatalog {
  providers: ResolvedProvider[];
  models: ResolvedModel[];
  /** Providers in the catalog or config that stay off, and why (no key, say). */
  /**
   * Models switched off (`enabled: false`, in the config or at run time), or whose provider is: `provider/model` →
   * why. A request that names one is told so.
   */
  switchedOff: Map<string, string>;
  disabled: Array<{ id: string; name: string; reason: string; keyless: boolean } & ProviderSignup>;
  byRef: Map<string, ResolvedModel>;
  /** Models by the provider's bare model id, for `model: "llama-3.3-70b"` requests. */
  byBareId: Map<string, ResolvedModel[]>;
}
