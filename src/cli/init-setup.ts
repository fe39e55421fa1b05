// What `switchboard init` works on, without a gateway: the config file, the providers it knows, the key vault (and its
// master key) and the client keys, opened straight on the gateway's own stores with the gateway's own code.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { createClientKeys, type ClientKeys, type CreatedClientKey } from '../accounts/client-keys.js';
import { checkProviderKey, type KeyCheck } from '../accounts/key-check.js';
import { createKeyVault, type KeyVault, type StoredKey } from '../accounts/key-vault.js';
import { createMasterKeyFile, readMasterKey, type MasterKey } from '../accounts/master-key.js';
import { resolveCatalogWithKeys } from '../accounts/provider-keys.js';
import { loadCatalog } from '../catalog/load.js';
import { mergedProviders } from '../catalog/resolve.js';
import { loadConfig, parseConfig, type Env } from '../config/load.js';
import type { Config, ProviderEntry } from '../config/schema.js';
import { GatewayError, SetupError } from '../errors.js';
import { maskSecret } from '../mask-secret.js';
import { createHttpClient } from '../providers/http.js';
import { createAdapters } from '../providers/protocols.js';
import { isStoreUnavailable } from '../storage/errors.js';
import { createStores, storesOptionsFromEnv, type Stores } from '../storage/index.js';
import { CliError, EXIT } from './gateway-client.js';

/** A provider a key can be added for, as init lists it. */
export interface ProviderChoice {
  id: string;
  name: string;
  /** It has a model that costs nothing (a free tier). */
  free: boolean;
  signupUrl?: string;
  notes?: string;
}

/** A provider key as init shows it: never the key. */
export interface KeyView extends StoredKey {
  /** `vault` keys can be replaced and removed here; the others are where they come from. */
  source: 'vault' | 'env' | 'config';
}

/** The setup init edits; close() when done. */
export interface Setup {
  readonly configFile: string;
  readonly configExists: boolean;
  readonly config: Config;
  /** Providers a key can be added for: free ones first, in catalog order. */
  readonly providers: ProviderChoice[];
  /** Where the vault lives (the database file, or Redis). */
  readonly vaultLocation: string;
  /** The master key as it stands (created by the first store() when there is none). */
  readonly master: MasterKey;
  /** The vault's keys, then the ones from the environment and the config. */
  keys(): Promise<KeyView[]>;
  /** Asks the provider whether it takes `secret`, as `POST /admin/keys/{id}/validate` does. */
  check(provider: string, secret: string): Promise<KeyCheck>;
  /** Stores `secret` in the vault, creating the master key file first when there is no master key. */
  store(provider: string, secret: string): Promise<StoredKey>;
  remove(id: string): Promise<boolean>;
  clientKeyCount(): Promise<number>;
  createClientKey(name: string): Promise<CreatedClientKey>;
  close(): Promise<void>;
}

/**
 * Opens the config (`configFile`, which need not exist), the stores and the vault of the gateway `env` describes.
 * Failures are CliErrors saying what to fix: a config or vault that cannot be read, a store that does not answer.
 */
export async function openSetup(env: Env, configFile: string): Promise<Setup> {
  const configExists = existsSync(configFile);
  const config = asCliError(() =>
    configExists ? loadConfig({ file: configFile, env }).config : parseConfig({}, 'defaults'),
  );
  const catalog = asCliError(() => loadCatalog(env));
  const entries = mergedProviders(catalog, config.providers);
  let master = asCliError(() => readMasterKey(env));
  let stores: Stores | undefined;
  try {
    stores = createStores({ ...storesOptionsFromEnv(env), logger: pino({ level: 'silent' }) });
    const { records, recordsLocation } = stores;
    const open = () => createKeyVault({ records, masterKey: master.key, location: recordsLocation });
    let vault: KeyVault = await open();
    const http = createHttpClient({ connectTimeoutMs: config.timeouts.connectMs });
    const adapters = createAdapters({ http });
    const opened = stores;
    let clientKeys: Promise<ClientKeys> | undefined;
    const clients = () => {
      clientKeys ??= createClientKeys({ records, windows: opened.windows, requireAuth: false, refreshMs: 0 });
      return clientKeys;
    };
    return {
      configFile,
      configExists,
      config,
      providers: choices(entries),
      vaultLocation: recordsLocation,
      get master() {
        return master;
      },
      async keys() {
        const stored = await vault.entries();
        const registry = asCliError(() => resolveCatalogWithKeys(catalog, config.providers, env));
        const others = registry.providers.flatMap((p) =>
          p.keys.map((k) => ({ id: k.id, provider: p.id, masked: k.masked, source: k.source as KeyView['source'] })),
        );
        return [...stored.map((e) => ({ ...view(e), source: 'vault' as const })), ...others];
      },
      async check(provider, secret) {
        const registry = resolveCatalogWithKeys(catalog, config.providers, env, [{ provider, key: secret }]);
        const resolved = registry.providers.find((p) => p.id === provider);
        if (resolved !== undefined) return checkProviderKey(adapters, resolved, secret, config.timeouts);
        const reason = registry.disabled.find((d) => d.id === provider)?.reason ?? 'it is not a known provider';
        return { ok: false, refused: false, status: undefined, message: `${provider} stays off: ${reason}` };
      },
      async store(provider, secret) {
        if (master.key === undefined) {
          master = createMasterKeyFile(env);
          vault = await open();
        }
        try {
          return await vault.add(provider, secret);
        } catch (err) {
          // A key that could never be sent (400), or a vault another process changed under its feet (503).
          if (err instanceof GatewayError) throw new CliError(err.message);
          throw err;
        }
      },
      remove: (id) => vault.remove(id),
      async clientKeyCount() {
        return (await clients()).list().then((list) => list.length);
      },
      async createClientKey(name) {
        return (await clients()).create({ name });
      },
      async close() {
        (await clientKeys)?.close();
        await http.close();
        await opened.close();
      },
    };
  } catch (err) {
    await stores?.close();
    if (isStoreUnavailable(err))
      throw new CliError('Redis (REDIS_URL) did not answer: start it or correct REDIS_URL', EXIT.unreachable);
    if (err instanceof SetupError) throw new CliError(err.message);
    throw err;
  }
}

/** The config file init reads and writes: `--config`, else ./switchboard.yaml (the one `switchboard serve` loads). */
export function configPath(given: string | undefined, cwd: string): string {
  return path.resolve(cwd, given ?? 'switchboard.yaml');
}

function view(entry: { id: string; provider: string; key: string }): StoredKey {
  return { id: entry.id, provider: entry.provider, masked: maskSecret(entry.key) };
}

/** Providers that take a key and are not switched off in the config: free ones first. */
function choices(entries: ProviderEntry[]): ProviderChoice[] {
  const list = entries
    .filter((entry) => !entry.keyless && entry.enabled !== false)
    .map((entry) => ({
      id: entry.id,
      name: entry.name ?? entry.id,
      free: (entry.models ?? []).some((m) => m.costPer1M.input === 0 && m.costPer1M.output === 0),
      ...(entry.signupUrl ? { signupUrl: entry.signupUrl } : {}),
      ...(entry.notes ? { notes: entry.notes } : {}),
    }));
  return [...list.filter((c) => c.free), ...list.filter((c) => !c.free)];
}

/** Runs `work`, turning a SetupError (a bad config, catalog or master key file) into a one-line CliError. */
function asCliError<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof SetupError) throw new CliError(err.message);
    throw err;
  }
}

/** Where the master key is, in a line. */
export function masterKeyText(master: MasterKey): string {
  if (master.source === 'env') return 'from $SWITCHBOARD_MASTER_KEY';
  if (master.source === 'file') return master.file;
  return `none yet: the first stored key creates ${master.file} (mode 0600)`;
}

/** The line said once, when store() made the master key file. */
export function masterKeyCreatedText(master: MasterKey): string {
  return (
    `Created the master key file ${master.file} (mode 0600): \`switchboard serve\` reads it.\n` +
    'Keep a copy somewhere safe: the stored keys cannot be read without it.'
  );
}

/** A new client key, shown this once. */
export function clientKeyText(created: CreatedClientKey): string {
  return (
    `Created client key ${created.id} (${created.name}):\n\n    ${created.key}\n\n` +
    'Copy it now: it is stored hashed and will not be shown again. Clients send it as the API key\n' +
    '(the CLI reads it from SWITCHBOARD_API_KEY). From now on /v1 needs a client key.'
  );
}
