// Resolves the catalog plus the user's providers into the enabled providers and models, with their keys.
import { ConfigError, type Env } from '../config/load.js';
import type { ModelConfig, ProviderEntry } from '../config/schema.js';
import { isEmbeddingProtocol } from '../providers/embedding-protocols.js';
import type {
  CatalogSwitches,
  KeysOf,
  ProviderKey,
  ProviderSignup,
  ResolvedCatalog,
  ResolvedProvider,
} from './types.js';

/** Why a provider or model is off when it was switched off at run time. */
const SWITCHED_OFF = 'switched off at run time';

/**
 * Merges user entries into the catalog (same id: fields override, models by id) and keeps the providers that are
 * on. `keysOf` gives each merged entry's keys (the accounts layer reads them from the config, the environment and
 * the vault); a provider that needs a key is on when it has one. `switches` (the console's) win over `enabled`.
 */
export function resolveCatalog(
  catalog: ProviderEntry[],
  userEntries: ProviderEntry[],
  env: Env,
  keysOf: KeysOf,
  switches?: CatalogSwitches,
  discovered?: DiscoveredOverlay,
): ResolvedCatalog {
  const merged = mergeEntries(catalog, userEntries, discovered);
  const now = Date.now();
  const resolved: ResolvedCatalog = {
    providers: [],
    models: [],
    disabled: [],
    switchedOff: new Map(),
    byRef: new Map(),
    byBareId: new Map(),
  };
  for (const { entry: listed, fromUser, accepted, index } of merged) {
    const switched = switches?.provider(listed.id);
    const entry = switched === undefined ? listed : { ...listed, enabled: switched };
    const keys = entry.keyless ? [] : keysOf(entry);
    const reason = disabledReason(
      entry,
      { fromUser, accepted: accepted === true },
      env,
      keys.length,
      switched === false,
    );
    if (reason !== undefined) {
      resolved.disabled.push({
        id: entry.id,
        name: entry.name ?? entry.id,
        reason,
        keyless: entry.keyless === true,
        ...signupOf(entry),
      });
      if (entry.enabled === false) {
        for (const model of entry.models ?? [])
          resolved.switchedOff.set(`${entry.id}/${model.id}`, `its provider '${entry.id}' is ${reason}`);
      }
      continue;
    }
    const provider = resolveProvider(entry, env, index, keys);
    provider.models = provider.models.filter((model) => {
      const off = modelOffReason(model.ref, model.config, switches) ?? goneReason(model.config, entry.id, now);
      if (off !== undefined) resolved.switchedOff.set(model.ref, off);
      return off === undefined;
    });
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
  /** Accepted by an operator from a proposal: a keyless one (a local server found on its port) is on. */
  accepted?: boolean;
  /** Position in the user's `providers` list, for error messages. */
  index?: number;
}

/**
 * Every provider of the catalog and the config, merged (same id: the config's fields override, models by id), on or
 * not: where a run-time key may be added, what may be switched on or off.
 */
export function mergedProviders(
  catalog: ProviderEntry[],
  userEntries: ProviderEntry[],
  discovered?: DiscoveredOverlay,
): ProviderEntry[] {
  return mergeEntries(catalog, userEntries, discovered).map(({ entry }) => entry);
}

/**
 * The discovered layer: providers (or their limits) accepted from proposals, over the catalog and under the config;
 * and models found in the providers' own listings, retirement and shutdown days, which add what the catalog and the
 * config do not write out (those stay on top). Either part may be left out.
 */
export interface DiscoveredOverlay {
  accepted?(): ProviderEntry[];
  apply?(entry: ProviderEntry): ProviderEntry;
}

function mergeEntries(
  catalog: ProviderEntry[],
  userEntries: ProviderEntry[],
  discovered?: DiscoveredOverlay,
): MergedEntry[] {
  const merged = new Map<string, MergedEntry>(catalog.map((entry) => [entry.id, { entry, fromUser: false }]));
  for (const accepted of discovered?.accepted?.() ?? []) {
    const base = merged.get(accepted.id)?.entry;
    const entry: ProviderEntry =
      base === undefined ? accepted : { ...base, ...accepted, models: mergeModels(base.models, accepted.models) };
    merged.set(accepted.id, { entry, fromUser: false, accepted: true });
  }
  userEntries.forEach((user, index) => {
    const base = merged.get(user.id)?.entry;
    const entry: ProviderEntry =
      base === undefined ? user : { ...base, ...user, models: mergeModels(base.models, user.models) };
    merged.set(user.id, { entry, fromUser: true, index });
  });
  const all = [...merged.values()];
  const apply = discovered?.apply;
  return apply === undefined ? all : all.map((item) => ({ ...item, entry: apply(item.entry) }));
}

function mergeModels(base: ModelConfig[] | undefined, override: ModelConfig[] | undefined): ModelConfig[] {
  const byId = new Map((base ?? []).map((model) => [model.id, model]));
  for (const model of override ?? []) byId.set(model.id, model);
  return [...byId.values()];
}

/** Why a model of an enabled provider is off (its switch, else its own `enabled: false`), or undefined when it is on. */
function modelOffReason(ref: string, config: ModelConfig, switches: CatalogSwitches | undefined): string | undefined {
  const switched = switches?.model(ref);
  if (switched !== undefined) return switched ? undefined : SWITCHED_OFF;
  return config.enabled === false ? 'disabled in config' : undefined;
}

/** Why a model its provider no longer lists, or has shut down, is off; undefined when it is not gone. */
function goneReason(config: ModelConfig, provider: string, now: number): string | undefined {
  if (config.retiredAt !== undefined) return `retired: '${provider}' no longer lists it (since ${config.retiredAt})`;
  // A day takes effect at its start (UTC); a date-time at that instant.
  if (config.shutdownAt !== undefined && Date.parse(config.shutdownAt) <= now)
    return `retired: '${provider}' shut it down on ${config.shutdownAt}`;
  return undefined;
}

function disabledReason(
  entry: ProviderEntry,
  { fromUser, accepted }: { fromUser: boolean; accepted: boolean },
  env: Env,
  keyCount: number,
  switchedOff: boolean,
): string | undefined {
  if (switchedOff) return SWITCHED_OFF;
  if (entry.enabled === false) return 'disabled in config';
  // A provider accepted from a community list may not have its base URL yet (the list gives none).
  if (!fromUser && entry.baseUrl === undefined && !(entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv]))
    return 'no base URL: accept its proposal again with one, or set baseUrl in switchboard.yaml';
  const unset = (entry.requiredEnv ?? []).filter((name) => !env[name]);
  if (unset.length > 0) return `set ${unset.join(' and ')} to enable`;
  if (entry.keyless) {
    if (fromUser || accepted || (entry.baseUrlEnv !== undefined && env[entry.baseUrlEnv])) return undefined;
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
    ...(entry.maxConnections === undefined ? {} : { maxConnections: entry.maxConnections }),
    ...(entry.http2 === undefined ? {} : { http2: entry.http2 }),
    models: [],
    ...signupOf(entry),
  };
  const embedWith = entry.embeddings?.protocol ?? (isEmbeddingProtocol(entry.protocol) ? entry.protocol : undefined);
  if (embedWith !== undefined)
    provider.embeddings = { protocol: embedWith, baseUrl: (entry.embeddings?.baseUrl ?? baseUrl).replace(/\/+$/, '') };
  (entry.models ?? []).forEach((config, i) => {
    if (config.capabilities.includes('embeddings') && config.dimensions === undefined)
      throw new ConfigError(`${where}.models[${i}].dimensions: required for an embedding model (its vectors' length)`);
  });
  provider.models = (entry.models ?? []).map((config) => ({ ref: `${entry.id}/${config.id}`, provider, config }));
  return provider;
}

function signupOf(entry: ProviderEntry): ProviderSignup {
  return {
    keyEnv: entry.keyEnv ?? [],
    ...(entry.signupUrl ? { signupUrl: entry.signupUrl } : {}),
    ...(entry.notes ? { notes: entry.notes } : {}),
    ...(entry.trialCredit ? { trialCredit: entry.trialCredit } : {}),
  };
}
