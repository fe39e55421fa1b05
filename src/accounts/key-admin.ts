// The operator's view of provider keys (admin API, `switchboard keys`): add and remove run-time keys, list every
// key with its health, and validate a key against its provider.
import { GatewayError, notFound } from '../errors.js';
import type { ProviderKey, ProviderSignup, ResolvedCatalog, ResolvedProvider } from '../catalog/types.js';
import type { Timeouts } from '../providers/http.js';
import type { Adapters } from '../providers/protocols.js';
import { checkProviderKey } from './key-check.js';
import type { KeyHealth } from './key-health.js';
import type { KeyPool } from './key-pool-types.js';
import type { KeyVault } from './key-vault.js';
import type { KeyAdmin, KeyInfo, KeyProviderInfo, VaultState } from './types.js';

export interface KeyAdminDeps {
  registry: ResolvedCatalog;
  vault: KeyVault;
  pool: KeyPool;
  health: KeyHealth;
  adapters: Adapters;
  timeouts: Timeouts;
  /** Provider ids of the catalog and the config, enabled or not: where a key may be added. */
  knownProviders: Pick<ReadonlySet<string>, 'has'>;
  /** What the vault holds and whether keys can be stored (vaultState over the vault's store). */
  vaultState(): Promise<VaultState>;
  /** Rebuilds the registry from the vault's current keys (a new key can turn its provider on). */
  reload(): Promise<void>;
  /** The key pool's clock (default: real time). */
  now?: () => number;
}

export function createKeyAdmin(deps: KeyAdminDeps): KeyAdmin {
  const find = (id: string): { provider: ResolvedProvider; key: ProviderKey } | undefined => {
    for (const provider of deps.registry.providers) {
      const key = provider.keys.find((k) => k.id === id);
      if (key !== undefined) return { provider, key };
    }
    return undefined;
  };
  const info = (id: string): KeyInfo => deps.pool.describe(deps.registry).find((k) => k.id === id)!;
  return {
    get canStore() {
      return deps.vault.canStore;
    },
    async add(provider, key) {
      if (!deps.knownProviders.has(provider)) {
        throw notFound(
          `Unknown provider '${provider}': add it to switchboard.yaml first`,
          'provider_not_found',
          'provider',
        );
      }
      const stored = await deps.vault.add(provider, key.trim());
      await deps.reload();
      deps.health.enable(stored.id, provider);
      const added = find(stored.id);
      if (added === undefined) {
        throw new GatewayError(
          `The key was stored, but provider '${provider}' stays off: ${disabledReason(deps.registry, provider)}`,
          {
            status: 409,
            type: 'invalid_request_error',
            code: 'provider_disabled',
            param: 'provider',
          },
        );
      }
      return info(stored.id);
    },
    async list() {
      // Health changed by other instances (a key disabled there) is read from the shared store first.
      const now = (deps.now ?? Date.now)();
      for (const provider of deps.registry.providers) deps.health.refresh(provider.keys, now);
      await deps.health.settled();
      return deps.pool.describe(deps.registry);
    },
    async remove(id) {
      const found = find(id);
      if (found !== undefined && found.key.source !== 'vault') {
        throw new GatewayError(
          `Key ${id} comes from the ${found.key.source === 'env' ? 'environment' : 'config file'}: remove it there`,
          {
            status: 409,
            type: 'invalid_request_error',
            code: 'key_not_removable',
          },
        );
      }
      const removed = await deps.vault.remove(id);
      if (removed) await deps.reload();
      return removed;
    },
    async validate(id) {
      const found = find(id);
      if (found === undefined) throw notFound(`No key with id '${id}'`, 'key_not_found');
      const { provider, key } = found;
      const check = await checkProviderKey(deps.adapters, provider, key.secret, deps.timeouts);
      if (check.ok) {
        deps.health.enable(id, provider.id);
        return { ...info(id), ok: true };
      }
      if (check.refused)
        deps.health.disable(
          id,
          `validation failed (HTTP ${check.status}): ${check.message.slice(0, 200)}`,
          provider.id,
        );
      return { ...info(id), ok: false, message: check.message };
    },
    providers: () => providerInfos(deps.registry),
    vault: () => deps.vaultState(),
  };
}

/** The registry's providers, on ones first (as it lists them), then the ones that are off. */
function providerInfos(registry: ResolvedCatalog): KeyProviderInfo[] {
  const signup = ({ keyEnv, signupUrl, notes, trialCredit }: ProviderSignup) => ({
    keyEnv,
    ...(signupUrl === undefined ? {} : { signupUrl }),
    ...(notes === undefined ? {} : { notes }),
    ...(trialCredit === undefined ? {} : { trialCredit }),
  });
  return [
    ...registry.providers.map((p) => ({
      id: p.id,
      name: p.name,
      enabled: true,
      // An enabled provider without keys takes none (a provider that needs one is off until it has one).
      keyless: p.keys.length === 0,
      keys: p.keys.length,
      ...signup(p),
    })),
    ...registry.disabled.map((p) => ({
      id: p.id,
      name: p.name,
      enabled: false,
      reason: p.reason,
      keyless: p.keyless,
      keys: 0,
      ...signup(p),
    })),
  ];
}

function disabledReason(registry: ResolvedCatalog, provider: string): string {
  return registry.disabled.find((d) => d.id === provider)?.reason ?? 'it is off';
}
