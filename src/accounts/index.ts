// The accounts layer of one gateway: provider keys (vault, health, limits, circuits), client keys and usage.
import type { Logger } from 'pino';
import { mergedProviders, type DiscoveredOverlay } from '../catalog/resolve.js';
import type { CatalogSwitches, ResolvedCatalog } from '../catalog/types.js';
import type { Env } from '../config/load.js';
import type { Config, Limits, ProviderEntry } from '../config/schema.js';
import type { Adapters } from '../providers/protocols.js';
import type { Stores } from '../storage/index.js';
import type { UsageRecord } from '../storage/types.js';
import { withLocalFallback } from '../storage/window-fallback.js';
import type { Breakers } from './breakers.js';
import { createClientKeys, type ClientKeys } from './client-keys.js';
import { readFreeTier, type KeyFreeTier } from './free-tier.js';
import { createKeyAdmin } from './key-admin.js';
import type { KeyPool } from './key-pool-types.js';
import { createKeyVault, VAULT_COLLECTION, VAULT_META_COLLECTION } from './key-vault.js';
import { readMasterKey } from './master-key.js';
import { wireKeyPool } from './pool-wiring.js';
import { resolveCatalogWithKeys } from './provider-keys.js';
import { createShutdownTimer, type ShutdownReached } from './shutdown-timer.js';
import type { KeyAdmin } from './types.js';
import { vaultState } from './vault-repair.js';

export interface AccountsOptions {
  config: Config;
  env: Env;
  catalog: ProviderEntry[];
  stores: Stores;
  adapters: Adapters;
  logger: Logger;
  /** Where each upstream call's usage goes besides the usage store (the metrics). */
  onCall?: (record: UsageRecord) => void;
  /** Where the records file lives without Redis, for error messages. */
  recordsLocation: string;
  /** Providers and models switched on or off at run time (read at each rebuild of the registry). */
  switches?: CatalogSwitches;
  /** The catalog's discovered layer (read at each rebuild of the registry). */
  discovered?: DiscoveredOverlay;
  /** Told when a model's shutdown day came and the registry was rebuilt without it. */
  onShutdown?: (models: ShutdownReached[]) => void;
  now?: () => number;
}

export interface Accounts {
  /** The enabled providers and models; refreshed in place when run-time keys change. */
  registry: ResolvedCatalog;
  keys: KeyPool;
  keyAdmin: KeyAdmin;
  clientKeys: ClientKeys;
  breakers: Breakers;
  /**
   * Rebuilds the registry in place from `config.providers` as it stands, the vault and the switches (after the config
   * or a switch changed).
   */
  reload(): Promise<void>;
  /** Throws what a rebuild on these providers and switches would (a provider without a protocol...), changing nothing. */
  check(providers: ProviderEntry[], switches?: CatalogSwitches): Promise<void>;
  /** What is left of key `id`'s limits (the provider id for a keyless provider) this minute and today. */
  freeTier(id: string, limits: Limits, now: number): Promise<KeyFreeTier>;
  close(): Promise<void>;
}

/**
 * Opens the vault (SWITCHBOARD_MASTER_KEY, else the master key file), builds the registry with its keys, and wires the key pool, the circuit
 * breakers and the client keys over the shared stores.
 */
export async function createAccounts(options: AccountsOptions): Promise<Accounts> {
  const { config, env, catalog, stores, logger } = options;
  const now = options.now ?? Date.now;
  const vaultOptions = {
    records: stores.records,
    masterKey: readMasterKey(env).key,
    location: options.recordsLocation,
  };
  const vault = await createKeyVault(vaultOptions);
  // config.providers is read at each build: a reloaded config file replaces it in place.
  const build = async (providers = config.providers, switches = options.switches) =>
    resolveCatalogWithKeys(catalog, providers, env, await vault.entries(), switches, options.discovered);
  const registry = await build();
  const shutdowns = createShutdownTimer({
    registry,
    reload: () => reload(),
    reached: (models) => options.onShutdown?.(models),
    logger,
  });
  const reload = singleFlight(async () => {
    Object.assign(registry, await build());
    shutdowns.arm();
  });
  shutdowns.arm();
  // A key added or removed on another instance reaches this one as soon as the store says the vault changed.
  const unwatch = await stores.records.watch((collection) => {
    if (collection !== undefined && collection !== VAULT_COLLECTION && collection !== VAULT_META_COLLECTION) return;
    reload().catch((err: unknown) =>
      logger.error(
        { err },
        'key vault changed but could not be read again; the provider keys in use stay as they were',
      ),
    );
  });
  const clientKeys = await createClientKeys({
    records: stores.records,
    windows: stores.windows,
    requireAuth: env['SWITCHBOARD_REQUIRE_AUTH'] === '1',
    logger,
    now,
  });
  // Provider limits may degrade to this instance while Redis is down; client budgets (clientKeys) may not.
  const windows = withLocalFallback(stores.windows, logger, now);
  const { keys, health, breakers, readings, learned } = wireKeyPool({
    settings: config.accounts,
    windows,
    kv: stores.kv,
    record(record) {
      stores.usage.append(record);
      options.onCall?.(record);
      // Every call's tokens count against the client's daily budget, rejected answers' included: they were spent.
      const tokens = record.promptTokens + record.completionTokens;
      if (record.clientId !== undefined && tokens > 0) {
        clientKeys
          .recordTokens(record.clientId, tokens)
          .catch((err: unknown) => logger.warn({ err: String(err) }, 'client budget update failed'));
      }
    },
    now,
    logger,
    learnedLimitTtlMs: config.discovery.learnedLimitTtlHours * 3_600_000,
  });
  // Limits learned before this start (or by other instances) apply from the first call, not after a background read.
  learned.refresh(
    registry.providers.flatMap((p) => (p.keys.length === 0 ? [p.id] : p.keys.map((key) => key.id))),
    now(),
  );
  await learned.settled();
  const keyAdmin = createKeyAdmin({
    registry,
    vault,
    pool: keys,
    health,
    adapters: options.adapters,
    timeouts: config.timeouts,
    knownProviders: {
      has: (id) => mergedProviders(catalog, config.providers, options.discovered).some((entry) => entry.id === id),
    },
    vaultState: () => vaultState(vaultOptions.records, vaultOptions.masterKey, vaultOptions.location),
    // In place: the request graph and the routes hold this object.
    reload,
    now,
  });
  return {
    registry,
    keys,
    keyAdmin,
    clientKeys,
    breakers,
    reload,
    async check(providers, switches) {
      await build(providers, switches);
    },
    freeTier: (id, limits, at) => readFreeTier({ windows, readings, learned }, id, limits, at),
    async close() {
      shutdowns.close();
      await unwatch();
      clientKeys.close();
      breakers.stop();
      await health.settled();
      await learned.settled();
    },
  };
}

/**
 * `work` run one at a time: a call while it runs runs it once more afterwards (and resolves then), so every caller
 * sees the state of after its call, and a burst of changes costs two runs, not one each.
 */
function singleFlight(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    const run = async () => {
      do {
        again = false;
        await work();
      } while (again);
    };
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  };
}
