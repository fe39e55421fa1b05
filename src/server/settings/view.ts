// GET /admin/settings: the running settings, each with where its value comes from (default, file, env, flag or
// console), whether a change applies live, and the providers and models with their on/off switches.
import type { ResolvedCatalog } from '../../catalog/types.js';
import { configChanges, isLivePath } from '../../config/live-changes.js';
import { leafPaths, valueAt } from '../../config/paths.js';
import { withRuntimeSettings, type RuntimeValue } from '../../config/runtime-settings.js';
import type { ProviderEntry } from '../../config/schema.js';
import type { ReloadStatus, SettingsState } from './types.js';

/** Where a value comes from, in order of precedence (highest last): console > flag > env > file > default. */
type ValueSource = 'default' | 'file' | 'env' | 'flag' | 'console';

/** The values the console may set (PATCH /admin/settings); the others come from the file, the environment or flags. */
const EDITABLE = new Set(['routing.defaultMode', 'routing.rules']);

/** One setting. `base` (editable ones): what a reset gives back; `pending`: the file's value, after a restart. */
interface ValueView {
  path: string;
  value: unknown;
  source: ValueSource;
  live: boolean;
  editable: boolean;
  base?: unknown;
  updatedAt?: number;
  pending?: unknown;
}

/** A provider's or a model's switch: on or off, why, and whether it really serves (`active`). */
interface SwitchView {
  id: string;
  name: string;
  enabled: boolean;
  source: 'default' | 'file' | 'console';
  /** What a reset gives back: the file's setting, else the catalog's. */
  base: boolean;
  updatedAt?: number;
  active: boolean;
  /** Why it does not serve, when it does not. */
  reason?: string;
}

export type ProviderSwitchView = SwitchView;
export type ModelSwitchView = SwitchView & { provider: string };

export interface SettingsView {
  object: 'settings';
  file: string | null;
  lastReload: ReloadStatus | null;
  /** Values the file changed that apply only after a restart. */
  restartNeeded: string[];
  values: ValueView[];
  providers: ProviderSwitchView[];
  models: ModelSwitchView[];
}

export function settingsView(state: SettingsState, registry: ResolvedCatalog): SettingsView {
  const restartNeeded = configChanges(state.config, withRuntimeSettings(state.fileConfig, state.runtime)).restart;
  return {
    object: 'settings',
    file: state.file ?? null,
    lastReload: state.lastReload ?? null,
    restartNeeded,
    values: leafPaths(state.config)
      .filter((path) => path !== 'providers')
      .map((path) => valueView(state, path, restartNeeded)),
    providers: state.providers.map((entry) => providerView(state, registry, entry)),
    models: state.providers.flatMap((entry) =>
      (entry.models ?? []).map((model) => modelView(state, registry, entry, model.id)),
    ),
  };
}

function valueView(state: SettingsState, path: string, restartNeeded: string[]): ValueView {
  const overridden = consoleValue(state, path);
  const pending = restartNeeded.some((p) => path === p || path.startsWith(`${p}.`));
  // A value waiting for a restart still runs as the start set it.
  const setBy = pending ? state.startSetBy : state.setBy;
  const view: ValueView = {
    path,
    value: valueAt(state.config, path),
    source: overridden === undefined ? (setBy.get(path) ?? 'default') : 'console',
    live: isLivePath(path),
    editable: EDITABLE.has(path),
  };
  if (view.editable) view.base = valueAt(state.fileConfig, path);
  if (overridden !== undefined) view.updatedAt = overridden.updatedAt;
  if (pending) view.pending = valueAt(state.fileConfig, path);
  return view;
}

function consoleValue(state: SettingsState, path: string): RuntimeValue<unknown> | undefined {
  if (path === 'routing.defaultMode') return state.runtime.defaultMode;
  if (path === 'routing.rules') return state.runtime.rules;
  return undefined;
}

function providerView(state: SettingsState, registry: ResolvedCatalog, entry: ProviderEntry): ProviderSwitchView {
  const fromFile = state.config.providers.find((p) => p.id === entry.id)?.enabled;
  const active = registry.providers.some((p) => p.id === entry.id);
  const reason = active ? undefined : registry.disabled.find((d) => d.id === entry.id)?.reason;
  return {
    id: entry.id,
    name: entry.name ?? entry.id,
    ...switchOf(state.runtime.providers.get(entry.id), fromFile, entry.enabled),
    active,
    ...(reason === undefined ? {} : { reason }),
  };
}

function modelView(
  state: SettingsState,
  registry: ResolvedCatalog,
  entry: ProviderEntry,
  modelId: string,
): ModelSwitchView {
  const ref = `${entry.id}/${modelId}`;
  const model = entry.models!.find((m) => m.id === modelId)!;
  const fromFile = state.config.providers
    .find((p) => p.id === entry.id)
    ?.models?.find((m) => m.id === modelId)?.enabled;
  const active = registry.byRef.has(ref);
  const off = registry.switchedOff.get(ref);
  const providerOff = registry.disabled.find((d) => d.id === entry.id)?.reason;
  const reason = active ? undefined : (off ?? (providerOff === undefined ? undefined : `its provider: ${providerOff}`));
  return {
    id: ref,
    name: model.name ?? model.id,
    provider: entry.id,
    ...switchOf(state.runtime.models.get(ref), fromFile, model.enabled),
    active,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** A switch's value and source: the console's, else the file's, else the catalog's (on unless it says off). */
function switchOf(
  runtime: RuntimeValue<boolean> | undefined,
  fromFile: boolean | undefined,
  merged: boolean | undefined,
): Pick<SwitchView, 'enabled' | 'source' | 'base' | 'updatedAt'> {
  const base = merged ?? true;
  if (runtime !== undefined) return { enabled: runtime.value, source: 'console', base, updatedAt: runtime.updatedAt };
  return { enabled: base, source: fromFile === undefined ? 'default' : 'file', base };
}
