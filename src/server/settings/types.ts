// The run-time settings' service as the server sees it (live-settings.ts builds it): what it applies, reports and
// takes from the admin API.
import type { CatalogSwitches } from '../../catalog/types.js';
import type { LoadedConfig, SetBy } from '../../config/load.js';
import type { RuntimeSettings } from '../../config/runtime-settings.js';
import type { ModelQuality, RoutingRule } from '../../config/routing-schema.js';
import type { Config, ProviderEntry } from '../../config/schema.js';

/** Where the running config came from, to read it again. */
export interface ConfigSource {
  /** The file it was read from; none: defaults and environment only (nothing to re-read). */
  file?: string;
  /** The values the file, the environment or a flag set (the others are defaults). */
  setBy: ReadonlyMap<string, SetBy>;
  /** Reads the file again, with the same environment and flags; throws ConfigError on a bad one. */
  read(): LoadedConfig;
}

/** What applying a change needs of the registry of providers (the accounts layer). */
export interface RegistryControl {
  check(providers: ProviderEntry[], switches: CatalogSwitches): Promise<void>;
  reload(): Promise<void>;
}

/** How a re-read of the config file went. */
export interface ReloadStatus {
  at: number;
  /** `file`: the file changed; `signal`: SIGHUP (or a call of Gateway.reloadConfig). */
  trigger: 'file' | 'signal';
  ok: boolean;
  /** Why it was refused (one line). */
  error?: string;
  /** The paths that changed and now apply. */
  applied: string[];
  /** The paths that changed but apply only after a restart. */
  restartNeeded: string[];
}

/** A change of the routing settings: a value to set, null to reset it to the file's, absent to leave it. */
export interface RoutingPatch {
  defaultMode?: ModelQuality | null;
  rules?: RoutingRule[] | null;
}

/** What the settings view is built from. */
export interface SettingsState {
  /** The running config. */
  config: Config;
  /** Every provider of the catalog and the running config (merged), on or not. */
  providers: ProviderEntry[];
  /** The config file's last valid config (what a reset goes back to, and what a restart would run on). */
  fileConfig: Config;
  runtime: RuntimeSettings;
  file: string | undefined;
  /** Who set each value of the last valid file read, and of the one the gateway started on. */
  setBy: ReadonlyMap<string, SetBy>;
  startSetBy: ReadonlyMap<string, SetBy>;
  lastReload: ReloadStatus | undefined;
}

export interface LiveSettings {
  /** The run-time switches of providers and models, as the registry reads them (always the current ones). */
  switches: CatalogSwitches;
  /** Starts following changes: the run-time settings' store, and the file (watched) when there is one. */
  start(registry: RegistryControl): Promise<void>;
  /** Reads the config file again and applies it (refused and logged when it does not validate). */
  reloadFile(trigger: ReloadStatus['trigger']): Promise<ReloadStatus>;
  /** Stores the default mode and the rules (null resets one to the file's), and applies them here before resolving. */
  setRouting(patch: RoutingPatch): Promise<void>;
  /**
   * Switches a provider or a model on or off (undefined: back to the file's setting) and applies it here before
   * resolving; resolves false when resetting a switch that was not set. Throws, storing nothing, what the registry
   * would throw on it (a provider turned on that has no protocol, say).
   */
  setSwitch(kind: 'provider' | 'model', id: string, enabled: boolean | undefined): Promise<boolean>;
  state(): SettingsState;
  close(): Promise<void>;
}
