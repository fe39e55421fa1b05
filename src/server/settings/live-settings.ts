// The settings a running gateway takes without a restart: the config file (re-read when it changes and on SIGHUP)
// with the values set at run time (the console, the admin API) over it, composed and applied to the running config in
// place, one change at a time. A file that does not validate is refused with its reason and the running config kept.
import type { Logger } from 'pino';
import { mergedProviders, type DiscoveredOverlay } from '../../catalog/resolve.js';
import { applyChanges, configChanges } from '../../config/live-changes.js';
import type { SetBy } from '../../config/load.js';
import {
  switchesOf,
  withRuntimeSettings,
  type RuntimeSettings,
  type RuntimeSettingsStore,
} from '../../config/runtime-settings.js';
import type { Config, ProviderEntry } from '../../config/schema.js';
import { watchConfigFile } from './config-watch.js';
import type { ConfigSource, LiveSettings, RegistryControl, ReloadStatus } from './types.js';

export interface LiveSettingsOptions {
  /** The running config, as loaded: changed in place from here on (everything built from it sees the changes). */
  config: Config;
  source?: ConfigSource | undefined;
  /** The built-in catalog: with the config's providers, what may be switched on and off. */
  catalog: ProviderEntry[];
  /** The catalog's discovered layer, between the catalog and the config. */
  discovered?: DiscoveredOverlay;
  store: RuntimeSettingsStore;
  logger: Logger;
  /** How long the file's directory must be quiet before it is read again (default 200 ms). */
  debounceMs?: number | undefined;
  now?: () => number;
}

/** Reads the run-time settings and puts them over `config` (in place): the gateway then starts on the result. */
export async function createLiveSettings(options: LiveSettingsOptions): Promise<LiveSettings> {
  const { config, source, store, logger } = options;
  const now = options.now ?? Date.now;
  let runtime = await store.read();
  let fileConfig: Config = structuredClone(config);
  let setBy = source?.setBy ?? new Map<string, SetBy>();
  const startSetBy = setBy;
  let lastReload: ReloadStatus | undefined;
  let registry: RegistryControl | undefined;
  const stops: Array<() => unknown> = [];
  const initial = withRuntimeSettings(fileConfig, runtime);
  applyChanges(config, initial, configChanges(config, initial).live);
  const switches = switchesOf(() => runtime);

  /** Puts `file` with `next` over it in the running config; throws (changing nothing) when the registry refuses. */
  const apply = async (file: Config, next: RuntimeSettings): Promise<{ applied: string[]; restart: string[] }> => {
    const target = withRuntimeSettings(file, next);
    const changes = configChanges(config, target);
    const registryChanged = changes.live.includes('providers') || !sameSwitches(runtime, next);
    if (registryChanged)
      await registry?.check(
        target.providers,
        switchesOf(() => next),
      );
    applyChanges(config, target, changes.live);
    fileConfig = file;
    runtime = next;
    if (changes.live.includes('logLevel')) logger.level = config.logLevel;
    if (registryChanged) await registry?.reload();
    return { applied: changes.live, restart: changes.restart };
  };
  const serial = createSerial();

  const reloadFile = (trigger: ReloadStatus['trigger']) =>
    serial(async (): Promise<ReloadStatus> => {
      const at = now();
      if (source?.file === undefined) {
        logger.warn('no config file to read again: the gateway runs on defaults and the environment');
        return (lastReload = { at, trigger, ok: false, error: 'no config file', applied: [], restartNeeded: [] });
      }
      try {
        const loaded = source.read();
        const { applied, restart } = await apply(loaded.config, runtime);
        setBy = loaded.setBy;
        logReload(logger, source.file, applied, restart);
        return (lastReload = { at, trigger, ok: true, applied, restartNeeded: restart });
      } catch (err) {
        const error = oneLine(err);
        logger.error({ file: source.file }, `config file not applied, the running config is kept: ${error}`);
        return (lastReload = { at, trigger, ok: false, error, applied: [], restartNeeded: [] });
      }
    });

  const refresh = () =>
    serial(async () => {
      await apply(fileConfig, await store.read());
    });

  return {
    switches,
    async start(control) {
      registry = control;
      stops.push(
        await store.watch(() =>
          refresh().catch((err: unknown) =>
            logger.error(`run-time settings changed but could not be applied; the running ones stay: ${oneLine(err)}`),
          ),
        ),
      );
      if (source?.file === undefined) return;
      const onError = (err: Error) => logger.warn(`config file is no longer watched (SIGHUP still reloads it): ${err}`);
      stops.push(
        await watchConfigFile(source.file, () => void reloadFile('file'), {
          debounceMs: options.debounceMs ?? 200,
          onError,
        }),
      );
    },
    reloadFile,
    async setRouting(patch) {
      if (patch.defaultMode !== undefined) await store.setDefaultMode(patch.defaultMode ?? undefined);
      if (patch.rules !== undefined) await store.setRules(patch.rules ?? undefined);
      await refresh();
    },
    async setSwitch(kind, id, enabled) {
      const next: RuntimeSettings = {
        ...runtime,
        providers: new Map(runtime.providers),
        models: new Map(runtime.models),
      };
      const map = kind === 'provider' ? next.providers : next.models;
      if (enabled === undefined) map.delete(id);
      else map.set(id, { value: enabled, updatedAt: now() });
      await registry?.check(
        config.providers,
        switchesOf(() => next),
      );
      const changed =
        kind === 'provider' ? await store.setProviderEnabled(id, enabled) : await store.setModelEnabled(id, enabled);
      await refresh();
      return changed;
    },
    state: () => ({
      config,
      providers: mergedProviders(options.catalog, config.providers, options.discovered),
      fileConfig,
      runtime,
      file: source?.file,
      setBy,
      startSetBy,
      lastReload,
    }),
    async close() {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}

function logReload(logger: Logger, file: string, applied: string[], restart: string[]): void {
  if (applied.length === 0 && restart.length === 0) logger.info({ file }, 'config file read again: nothing changed');
  if (applied.length > 0) logger.info({ file, applied }, `config file read again, applied: ${applied.join(', ')}`);
  if (restart.length > 0) {
    logger.warn(
      { file, restartNeeded: restart },
      `config file changed ${restart.join(', ')}: these apply only after a restart (the running values stay)`,
    );
  }
}

/** An error's message on one line (a ConfigError lists one bad field per line), never a stack. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '')
    .join('; ')
    .replace(/:; /g, ': ');
}

function sameSwitches(a: RuntimeSettings, b: RuntimeSettings): boolean {
  const same = (x: Map<string, { value: boolean }>, y: Map<string, { value: boolean }>) =>
    x.size === y.size && [...x].every(([id, { value }]) => y.get(id)?.value === value);
  return same(a.providers, b.providers) && same(a.models, b.models);
}

/** Runs the tasks given to it one after another (a reload never interleaves with another, or with a refresh). */
function createSerial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => {});
    return run;
  };
}
