// Resolves the catalog plus the user's providers into the enabled providers and models, with their keys.
import { ConfigError, type Env } from '../config/load.js';
import type { ModelConfig, ProviderEntry } from '../config/schema.js';
import type { KeysOf, ProviderKey, ProviderSignup, ResolvedCatalog, ResolvedProvider } from './types.js';

/**
 * Merges user entries into the catalog (same id: fields override, models by id) and keeps the providers that are
 * on. `keysOf` gives each merged entry's keys (the accounts layer reads them from the config, the environment and
 * the vault); a provider that needs a key is on when it has one.
 */
export function resolveCatalog(
  catalog: ProviderEntry[],
  userEntries: ProviderEntry[],
  env: Env,
  keysOf: KeysOf,
): ResolvedCatalog {
  const merged = mergeEntries(catalog, userEntries);
  const resolved: ResolvedCatalog = { providers: [], models: [], disabled: [], byRef: new Map(), byBareId: new Map() };
  for (const { entry, fromUser, index } of merged) {
    const keys = entry.keyless ? [] : keysOf(entry);
    const reason = disabledReason(entry, fromUser, env, keys.length);
    if (reason !== undefined) {
      resolved.disabled.push({
        id: entry.id,
        name: entry.name ?? entry.id,
        reason,
        keyless: entry.keyless === true,
        ...signupOf(entry),
      });
      continue;
    }
    const provider = resolveProvider(entry, env, index, keys);
    resolved.providers.push(provider);
    for (const model of provider.models) {
      resolved.models.push(model);
      resolved.byRef.set(model.ref, model);
      const same = resolved.byBareId.get(model.config.id) ?? [];
      same.push(model);
      resolved.byBareId.set(model.config.id, same);
    }
  }
  return resolved;
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
    const entry: ProviderEntry =
      base === undefined ? user : { ...base, ...user, models: mergeModels(base.models, user.models) };
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

function resolveProvider(
  entry: ProviderEntry,
  env: Env,
  index: number | undefined,
  keys: ProviderKey[],
): ResolvedProvider {
  const where = index === undefined ? `catalog provider ${entry.id}` : `providers[${index}]`;
  const baseUrl = (entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv]) || entry.baseUrl;
  if (entry.protocol === undefined)
    throw new ConfigError(`${where}.protocol: required for a provider that is not in the catalog`);
  if (baseUrl === undefined)
    throw new ConfigError(`${where}.baseUrl: required for a provider that is not in the catalog`);
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
    ...signupOf(entry),
  };
  provider.models = (entry.models ?? []).map((config) => ({ ref: `${entry.id}/${config.id}`, provider, config }));
  return provider;
}

function signupOf(entry: ProviderEntry): ProviderSignup {
  return {
    keyEnv: entry.keyEnv ?? [],
    ...(entry.signupUrl ? { signupUrl: entry.signupUrl } : {}),
    ...(entry.notes ? { notes: entry.notes } : {}),
  };
}
