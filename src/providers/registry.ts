// Resolves the catalog plus the user's providers into the enabled providers and models, with their keys and adapters.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CatalogSchema, type ModelConfig, type ProviderEntry } from '../config/schema.js';
import { ConfigError, expandEnv, formatIssues, type Env } from '../config/load.js';
import { maskSecret, providerKeyId } from '../accounts/secrets.js';
import type { KeySource } from '../accounts/types.js';
import type { Protocol } from './types.js';

/** One key of a provider: the secret, and how it may be named and shown. */
export interface ProviderKey {
  /** Stable id derived from the provider and the key (providerKeyId). */
  id: string;
  secret: string;
  masked: string;
  source: KeySource;
}

/** A key added at run time (the key vault), for its provider. */
export interface VaultKey {
  provider: string;
  key: string;
}

/** A provider that is switched on: everything needed to call it. */
export interface ResolvedProvider {
  id: string;
  name: string;
  protocol: Protocol;
  baseUrl: string;
  /** Keys to rotate over (config, then environment, then vault); empty for keyless providers. */
  keys: ProviderKey[];
  headers: Record<string, string>;
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  limits: NonNullable<ProviderEntry['limits']>;
  models: ResolvedModel[];
}

/** A model of an enabled provider; `ref` is the public id `provider/model`. */
export interface ResolvedModel {
  ref: string;
  provider: ResolvedProvider;
  config: ModelConfig;
}

export interface Registry {
  providers: ResolvedProvider[];
  models: ResolvedModel[];
  /** Providers in the catalog or config that stay off, and why (no key, say). */
  disabled: Array<{ id: string; reason: string; keyEnv: string[]; signupUrl?: string }>;
  byRef: Map<string, ResolvedModel>;
  /** Models by the provider's bare model id, for `model: "llama-3.3-70b"` requests. */
  byBareId: Map<string, ResolvedModel[]>;
}

const CATALOG_URL = new URL('./catalog.yaml', import.meta.url);

/** The built-in catalog, validated. */
export function loadCatalog(env: Env): ProviderEntry[] {
  const parsed = CatalogSchema.safeParse(expandEnv(parseYaml(readFileSync(CATALOG_URL, 'utf8')), env));
  if (!parsed.success) throw new ConfigError(`built-in catalog is invalid:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data.providers;
}

/**
 * Merges user entries into the catalog (same id: fields override, models by id) and keeps the providers that are
 * on. `vaultKeys` (added at run time) count like keys from the environment: one turns its provider on.
 */
export function buildRegistry(catalog: ProviderEntry[], userEntries: ProviderEntry[], env: Env, vaultKeys: VaultKey[] = []): Registry {
  const merged = mergeEntries(catalog, userEntries);
  const registry: Registry = { providers: [], models: [], disabled: [], byRef: new Map(), byBareId: new Map() };
  for (const { entry, fromUser, index } of merged) {
    const keys = entry.keyless ? [] : collectProviderKeys(entry, env, vaultKeys);
    const reason = disabledReason(entry, fromUser, env, keys.length);
    if (reason !== undefined) {
      registry.disabled.push({ id: entry.id, reason, keyEnv: entry.keyEnv ?? [], ...(entry.signupUrl ? { signupUrl: entry.signupUrl } : {}) });
      continue;
    }
    const provider = resolveProvider(entry, env, index, keys);
    registry.providers.push(provider);
    for (const model of provider.models) {
      registry.models.push(model);
      registry.byRef.set(model.ref, model);
      const same = registry.byBareId.get(model.config.id) ?? [];
      same.push(model);
      registry.byBareId.set(model.config.id, same);
    }
  }
  return registry;
}

interface MergedEntry {
  entry: ProviderEntry;
  fromUser: boolean;
  /** Position in the user's `providers` list, for error messages. */
  index?: number;
}

/** The ids of every provider in the catalog or the config, enabled or not (where a run-time key may be added). */
export function knownProviderIds(catalog: ProviderEntry[], userEntries: ProviderEntry[]): Set<string> {
  return new Set(mergeEntries(catalog, userEntries).map(({ entry }) => entry.id));
}

function mergeEntries(catalog: ProviderEntry[], userEntries: ProviderEntry[]): MergedEntry[] {
  const merged = new Map<string, MergedEntry>(catalog.map((entry) => [entry.id, { entry, fromUser: false }]));
  userEntries.forEach((user, index) => {
    const base = merged.get(user.id)?.entry;
    const entry: ProviderEntry = base === undefined ? user : { ...base, ...user, models: mergeModels(base.models, user.models) };
    merged.set(user.id, { entry, fromUser: true, index });
  });
  return [...merged.values()];
}

function mergeModels(base: ModelConfig[] | undefined, override: ModelConfig[] | undefined): ModelConfig[] {
  const byId = new Map((base ?? []).map((model) => [model.id, model]));
  for (const model of override ?? []) byId.set(model.id, model);
  return [...byId.values()];
}

function disabledReason(entry: ProviderEntry, fromUser: boolean, env: Env, keyCount: number): string | undefined {
  if (entry.enabled === false) return 'disabled in config';
  const unset = (entry.requiredEnv ?? []).filter((name) => !env[name]);
  if (unset.length > 0) return `set ${unset.join(' and ')} to enable`;
  if (entry.keyless) {
    if (fromUser || (entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv])) return undefined;
    return `set ${entry.baseUrlEnv ?? 'its baseUrl in switchboard.yaml'} to enable`;
  }
  if (keyCount > 0) return undefined;
  return entry.keyEnv?.length ? `no key: set ${entry.keyEnv.join(' or ')}` : 'no apiKeys';
}

/** Keys from the entry's apiKeys, each keyEnv variable (comma-separated) and the vault, without blanks or repeats. */
function collectProviderKeys(entry: ProviderEntry, env: Env, vaultKeys: VaultKey[]): ProviderKey[] {
  const sourced: Array<[string, KeySource]> = [
    ...(entry.apiKeys ?? []).map((key): [string, KeySource] => [key, 'config']),
    ...(entry.keyEnv ?? []).flatMap((name) => (env[name] ?? '').split(',').map((key): [string, KeySource] => [key, 'env'])),
    ...vaultKeys.filter((v) => v.provider === entry.id).map((v): [string, KeySource] => [v.key, 'vault']),
  ];
  const keys = new Map<string, ProviderKey>();
  for (const [raw, source] of sourced) {
    const secret = raw.trim();
    if (secret === '' || keys.has(secret)) continue;
    keys.set(secret, { id: providerKeyId(entry.id, secret), secret, masked: maskSecret(secret), source });
  }
  return [...keys.values()];
}

function resolveProvider(entry: ProviderEntry, env: Env, index: number | undefined, keys: ProviderKey[]): ResolvedProvider {
  const where = index === undefined ? `catalog provider ${entry.id}` : `providers[${index}]`;
  const baseUrl = (entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv]) || entry.baseUrl;
  if (entry.protocol === undefined) throw new ConfigError(`${where}.protocol: required for a provider that is not in the catalog`);
  if (baseUrl === undefined) throw new ConfigError(`${where}.baseUrl: required for a provider that is not in the catalog`);
  const provider: ResolvedProvider = {
    id: entry.id,
    name: entry.name ?? entry.id,
    protocol: entry.protocol,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    keys,
    headers: entry.headers ?? {},
    maxTokensField: entry.maxTokensField ?? 'max_tokens',
    limits: entry.limits ?? {},
    models: [],
  };
  provider.models = (entry.models ?? []).map((config) => ({ ref: `${entry.id}/${config.id}`, provider, config }));
  return provider;
}
