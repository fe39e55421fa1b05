// Settings changed at run time (the console, the admin API): the default routing mode, the routing rules, and
// providers and models switched on or off. One durable record per value, so they survive a restart and every instance
// on the same store shares them; each wins over the config file's value until it is reset (its record deleted).
import { z } from 'zod';
import type { RecordStore } from '../storage/types.js';
import { MODEL_QUALITIES, RoutingRuleSchema, type ModelQuality, type RoutingRule } from './routing-schema.js';
import type { Config } from './schema.js';

/** The record collection of the run-time settings. */
const SETTINGS_COLLECTION = 'settings';

/** A value set at run time, and when (ms since the epoch). */
export interface RuntimeValue<T> {
  value: T;
  updatedAt: number;
}

/** The values set at run time; anything absent comes from the config file (or the defaults). */
export interface RuntimeSettings {
  defaultMode?: RuntimeValue<ModelQuality>;
  rules?: RuntimeValue<RoutingRule[]>;
  /** Provider id → switched on or off. */
  providers: Map<string, RuntimeValue<boolean>>;
  /** `provider/model` → switched on or off. */
  models: Map<string, RuntimeValue<boolean>>;
}

/** The durable run-time settings. Every write is validated again here, with the config file's schemas. */
export interface RuntimeSettingsStore {
  /** Every value stored; a record that no longer validates is left out (and reported to `onInvalid`). */
  read(): Promise<RuntimeSettings>;
  /** Sets the value, or resets it to the file's with undefined. */
  setDefaultMode(mode: ModelQuality | undefined): Promise<void>;
  setRules(rules: RoutingRule[] | undefined): Promise<void>;
  /** Resolves false when resetting a value that was not set. */
  setProviderEnabled(id: string, enabled: boolean | undefined): Promise<boolean>;
  setModelEnabled(ref: string, enabled: boolean | undefined): Promise<boolean>;
  /**
   * Calls `listener` after a value changed on this instance or (Redis) any other, or when changes may have been
   * missed; resolves to the function that stops it.
   */
  watch(listener: () => void): Promise<() => Promise<void>>;
}

export interface RuntimeSettingsOptions {
  records: RecordStore;
  /** A stored value that does not validate (written by another version, say): it is ignored. */
  onInvalid?: (id: string, reason: string) => void;
  now?: () => number;
}

const DEFAULT_MODE_ID = 'routing.defaultMode';
const RULES_ID = 'routing.rules';
const PROVIDER_PREFIX = 'provider:';
const MODEL_PREFIX = 'model:';

const stored = <T extends z.ZodType>(value: T) => z.strictObject({ value, updatedAt: z.number() });
const ModeRecord = stored(z.enum(MODEL_QUALITIES));
const RulesRecord = stored(z.array(RoutingRuleSchema));
const SwitchRecord = stored(z.boolean());

export function createRuntimeSettingsStore(options: RuntimeSettingsOptions): RuntimeSettingsStore {
  const { records } = options;
  const now = options.now ?? Date.now;
  const write = async (id: string, value: unknown): Promise<boolean> => {
    if (value === undefined) return records.delete(SETTINGS_COLLECTION, id);
    await records.put(SETTINGS_COLLECTION, id, JSON.stringify({ value, updatedAt: now() }));
    return true;
  };
  return {
    async read() {
      const settings: RuntimeSettings = { providers: new Map(), models: new Map() };
      for (const { id, value } of await records.list(SETTINGS_COLLECTION)) {
        const parse = <T extends z.ZodType>(schema: T): z.infer<T> | undefined => {
          const result = schema.safeParse(parseJson(value));
          if (result.success) return result.data;
          options.onInvalid?.(id, result.error.issues[0]?.message ?? 'invalid');
          return undefined;
        };
        if (id === DEFAULT_MODE_ID) settings.defaultMode = parse(ModeRecord);
        else if (id === RULES_ID) settings.rules = parse(RulesRecord);
        else if (id.startsWith(PROVIDER_PREFIX))
          setIfValid(settings.providers, id, PROVIDER_PREFIX, parse(SwitchRecord));
        else if (id.startsWith(MODEL_PREFIX)) setIfValid(settings.models, id, MODEL_PREFIX, parse(SwitchRecord));
        else options.onInvalid?.(id, 'not a setting this version knows');
      }
      if (settings.defaultMode === undefined) delete settings.defaultMode;
      if (settings.rules === undefined) delete settings.rules;
      return settings;
    },
    async setDefaultMode(mode) {
      await write(DEFAULT_MODE_ID, mode === undefined ? undefined : z.enum(MODEL_QUALITIES).parse(mode));
    },
    async setRules(rules) {
      await write(RULES_ID, rules === undefined ? undefined : z.array(RoutingRuleSchema).parse(rules));
    },
    setProviderEnabled: (id, enabled) => write(PROVIDER_PREFIX + id, enabled),
    setModelEnabled: (ref, enabled) => write(MODEL_PREFIX + ref, enabled),
    watch(listener) {
      return records.watch((collection) => {
        if (collection === undefined || collection === SETTINGS_COLLECTION) listener();
      });
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function setIfValid(
  into: Map<string, RuntimeValue<boolean>>,
  id: string,
  prefix: string,
  value: RuntimeValue<boolean> | undefined,
): void {
  if (value !== undefined) into.set(id.slice(prefix.length), value);
}

/** The config the gateway runs on: the file's (or the defaults'), with the values set at run time over it. */
export function withRuntimeSettings(config: Config, settings: RuntimeSettings): Config {
  const { defaultMode, rules } = settings;
  if (defaultMode === undefined && rules === undefined) return config;
  const routing = {
    ...config.routing,
    ...(defaultMode === undefined ? {} : { defaultMode: defaultMode.value }),
    ...(rules === undefined ? {} : { rules: rules.value }),
  };
  return { ...config, routing };
}

/** The providers and models switched on or off at run time, as the catalog reads them (live: read at each call). */
export function switchesOf(settings: () => RuntimeSettings): {
  provider(id: string): boolean | undefined;
  model(ref: string): boolean | undefined;
} {
  return {
    provider: (id) => settings().providers.get(id)?.value,
    model: (ref) => settings().models.get(ref)?.value,
  };
}
