// The keys of each provider: its config entry's apiKeys, its keyEnv variables and the vault, with ids and masks.
import { resolveCatalog, type DiscoveredOverlay } from '../catalog/resolve.js';
import type { CatalogSwitches, KeySource, KeysOf, ProviderKey, ResolvedCatalog } from '../catalog/types.js';
import type { Env } from '../config/load.js';
import type { ProviderEntry } from '../config/schema.js';
import { maskSecret } from '../mask-secret.js';
import { SetupError } from '../errors.js';
import { providerKeyId, providerKeyProblem } from './secrets.js';

/** A key added at run time (the key vault), for its provider. */
export interface VaultKey {
  provider: string;
  key: string;
}

/**
 * Keys from an entry's apiKeys, each keyEnv variable (comma-separated) and the vault, without blanks or repeats.
 * `vaultKeys` (added at run time) count like keys from the environment: one turns its provider on.
 */
function providerKeys(env: Env, vaultKeys: VaultKey[] = []): KeysOf {
  return (entry) => {
    const sourced: Array<[string, KeySource]> = [
      ...(entry.apiKeys ?? []).map((key): [string, KeySource] => [key, 'config']),
      ...(entry.keyEnv ?? []).flatMap((name) =>
        (env[name] ?? '').split(',').map((key): [string, KeySource] => [key, 'env']),
      ),
      ...vaultKeys.filter((v) => v.provider === entry.id).map((v): [string, KeySource] => [v.key, 'vault']),
    ];
    const keys = new Map<string, ProviderKey>();
    for (const [raw, source] of sourced) {
      const secret = raw.trim();
      if (secret === '' || keys.has(secret)) continue;
      // A key that could never be sent stops the start, naming where it came from (never the key itself).
      const problem = source === 'vault' ? undefined : providerKeyProblem(secret);
      if (problem !== undefined)
        throw new SetupError(`A key of provider '${entry.id}' ${whereFrom(entry, source)}: ${problem}`);
      keys.set(secret, { id: providerKeyId(entry.id, secret), secret, masked: maskSecret(secret), source });
    }
    return [...keys.values()];
  };
}

/**
 * The catalog resolved with the keys the config, the environment and the vault hold, and the providers and models
 * switched on or off at run time: what a gateway runs on.
 */
export function resolveCatalogWithKeys(
  catalog: ProviderEntry[],
  userEntries: ProviderEntry[],
  env: Env,
  vaultKeys: VaultKey[] = [],
  switches?: CatalogSwitches,
  discovered?: DiscoveredOverlay,
): ResolvedCatalog {
  return resolveCatalog(catalog, userEntries, env, providerKeys(env, vaultKeys), switches, discovered);
}

/** Where an entry's keys of `source` are written, for the message about a bad one. */
function whereFrom(entry: ProviderEntry, source: KeySource): string {
  if (source === 'config') return '(apiKeys in the config) cannot be used';
  const names = (entry.keyEnv ?? []).join(' or ');
  return `(from the environment, ${names}) cannot be used`;
}
