// Resolves the catalog plus the user's providers into the enabled providers and models, with their keys and adapters.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CatalogSchema, type ModelConfig, type ProviderEntry } from '../config/schema.js';
import { ConfigError, expandEnv, formatIssues, type Env } from '../config/load.js';
import type { Protocol } from './types.js';

/** A provider that is switched on: everything needed to call it. */
export interface ResolvedProvider {
  id: string;
  name: string;
  protocol: Protocol;
  baseUrl: string;
  /** Keys to rotate over; empty for keyless providers. */
  keys: string[];
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

/** Merges user entries into the catalog (same id: fields override, models by id) and keeps the providers that are on. */
export function buildRegistry(catalog: ProviderEntry[], userEntries: ProviderEntry[], env: Env): Registry {
  const merged = mergeEntries(catalog, userEntries);
  const registry: Registry = { providers: [], models: [], disabled: [], byRef: new Map(), byBareId: new Map() };
  for (const { entry, fromUser, index } of merged) {
    const reason = disabledReason(entry, fromUser, env);
    if (reason !== undefined) {
      registry.disabled.push({ id: entry.id, reason, keyEnv: entry.keyEnv ?? [], ...(entry.signupUrl ? { signupUrl: entry.signupUrl } : {}) });
      continue;
    }
    const provider = resolveProvider(entry, env, index);
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

function disabledReason(entry: ProviderEntry, fromUser: boolean, env: Env): string | undefined {
  if (entry.enabled === false) return 'disabled in config';
  const unset = (entry.requiredEnv ?? []).filter((name) => !env[name]);
  if (unset.length > 0) return `set ${unset.join(' and ')} to enable`;
  if (entry.keyless) {
    if (fromUser || (entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv])) return undefined;
    return `set ${entry.baseUrlEnv ?? 'its baseUrl in switchboard.yaml'} to enable`;
  }
  if (collectKeys(entry, env).length > 0) return undefined;
  return entry.keyEnv?.length ? `no key: set ${entry.keyEnv.join(' or ')}` : 'no apiKeys';
}

/** Keys from the entry's apiKeys and from each keyEnv variable (comma-separated), without blanks or repeats. */
export function collectKeys(entry: ProviderEntry, env: Env): string[] {
  const fromEnv = (entry.keyEnv ?? []).flatMap((name) => (env[name] ?? '').split(','));
  const keys = [...(entry.apiKeys ?? []), ...fromEnv].map((key) => key.trim()).filter((key) => key !== '');
  return [...new Set(keys)];
}

function resolveProvider(entry: ProviderEntry, env: Env, index: number | undefined): ResolvedProvider {
  const where = index === undefined ? `catalog provider ${entry.id}` : `providers[${index}]`;
  const baseUrl = (entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv]) || entry.baseUrl;
  if (entry.protocol === undefined) throw new ConfigError(`${where}.protocol: required for a provider that is not in the catalog`);
  if (baseUrl === undefined) throw new ConfigError(`${where}.baseUrl: required for a provider that is not in the catalog`);
  const provider: ResolvedProvider = {
    id: entry.id,
    name: entry.name ?? entry.id,
    protocol: entry.protocol,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    keys: entry.keyless ? [] : collectKeys(entry, env),
    headers: entry.headers ?? {},
    maxTokensField: entry.maxTokensField ?? 'max_tokens',
    limits: entry.limits ?? {},
    models: [],
  };
  provider.models = (entry.models ?? []).map((config) => ({ ref: `${entry.id}/${config.id}`, provider, config }));
  return provider;
}
