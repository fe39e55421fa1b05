// One provider's listing against what discovery knew of it: the next discovered layer and what changed.
import type { ModelConfig, ProviderEntry } from '../../config/schema.js';
import type { ListedModel } from '../../providers/types.js';
import { inferModel } from './infer.js';

/** What discovery knows of one provider: persisted, one record per provider, shared by every instance. */
export interface DiscoveredProvider {
  provider: string;
  /** When its listing was last read (ms since the epoch). */
  syncedAt: number;
  /** Listed models the catalog and the config do not write out; retired ones stay, with `retiredAt`. */
  models: ModelConfig[];
  /** Every id of the last listing. */
  listed: string[];
  /** Written-out models that left the listing: id → the day. */
  retired: Record<string, string>;
  /** Written-out models the listing gives a shutdown day for: id → the day. */
  shutdown: Record<string, string>;
}

/**
 * What a sync found: a model appeared, was retired, came back, changed, or got a shutdown date; or (`expired`, `at` the
 * shutdown's instant) that date came and the model left routing.
 */
export interface CatalogChange {
  at: number;
  provider: string;
  model: string;
  change: 'appeared' | 'retired' | 'returned' | 'changed' | 'shutdown' | 'expired';
  detail?: string;
}

/**
 * The next record of `entry`'s provider after it listed `listed`. New models join only when `addNew` (the entry
 * discovers), not a priced one on a provider used on its free tier; models that were listed before and are gone are
 * retired on `today` (a model never seen listed is not: a listing may leave some out).
 */
export function syncListing(
  entry: ProviderEntry,
  previous: DiscoveredProvider | undefined,
  listed: ListedModel[],
  addNew: boolean,
  now: number,
): { next: DiscoveredProvider; changes: CatalogChange[] } {
  const today = new Date(now).toISOString().slice(0, 10);
  const changes: CatalogChange[] = [];
  const note = (model: string, change: CatalogChange['change'], detail?: string) =>
    changes.push({ at: now, provider: entry.id, model, change, ...(detail === undefined ? {} : { detail }) });
  const written = new Set((entry.models ?? []).map((model) => model.id));
  // A provider whose written models all cost nothing is used on its free tier: its priced models (OpenRouter lists
  // hundreds) would only answer 402, so they do not join.
  const freeTier =
    (entry.models ?? []).length > 0 &&
    (entry.models ?? []).every((model) => model.costPer1M.input === 0 && model.costPer1M.output === 0);
  const before = new Map((previous?.models ?? []).map((model) => [model.id, model]));
  const wasListed = new Set(previous?.listed ?? []);
  const next: DiscoveredProvider = {
    provider: entry.id,
    syncedAt: now,
    models: [],
    listed: [],
    retired: {},
    shutdown: {},
  };
  for (const item of listed) {
    next.listed.push(item.id);
    if (written.has(item.id)) {
      if (previous?.retired[item.id] !== undefined) note(item.id, 'returned');
      if (item.shutdownAt !== undefined) {
        next.shutdown[item.id] = item.shutdownAt;
        if (previous?.shutdown[item.id] !== item.shutdownAt) note(item.id, 'shutdown', item.shutdownAt);
      }
      continue;
    }
    const old = before.get(item.id);
    const wanted = (addNew || old !== undefined) && !(freeTier && item.free === false);
    const model = wanted ? inferModel(item) : undefined;
    if (model === undefined) continue;
    next.models.push(model);
    if (old === undefined) note(item.id, 'appeared', model.capabilities.join(','));
    else if (old.retiredAt !== undefined) note(item.id, 'returned');
    else {
      const changed = differences(old, model);
      if (changed !== undefined) note(item.id, 'changed', changed);
    }
    if (model.shutdownAt !== undefined && old?.shutdownAt !== model.shutdownAt)
      note(item.id, 'shutdown', model.shutdownAt);
  }
  const nowListed = new Set(next.listed);
  for (const old of before.values()) {
    if (nowListed.has(old.id)) continue;
    next.models.push({ ...old, retiredAt: old.retiredAt ?? today });
    if (old.retiredAt === undefined) note(old.id, 'retired');
  }
  for (const id of written) {
    if (nowListed.has(id) || (!wasListed.has(id) && previous?.retired[id] === undefined)) continue;
    next.retired[id] = previous?.retired[id] ?? today;
    if (previous?.retired[id] === undefined) note(id, 'retired');
  }
  return { next, changes };
}

/** What a model's new listing changed of what discovery inferred before, in words; undefined: nothing. */
function differences(old: ModelConfig, now: ModelConfig): string | undefined {
  const said: string[] = [];
  if (old.contextWindow !== now.contextWindow) said.push(`context ${old.contextWindow} → ${now.contextWindow}`);
  if (old.capabilities.join(',') !== now.capabilities.join(','))
    said.push(`capabilities ${old.capabilities.join(',')} → ${now.capabilities.join(',')}`);
  const price = (model: ModelConfig) => `${model.costPer1M.input}/${model.costPer1M.output}`;
  if (price(old) !== price(now)) said.push(`price ${price(old)} → ${price(now)}`);
  return said.length === 0 ? undefined : said.join('; ');
}

/** `entry` with what discovery knows of its provider: retirement and shutdown days on its models, and the new ones. */
export function withDiscovered(entry: ProviderEntry, record: DiscoveredProvider | undefined): ProviderEntry {
  if (record === undefined) return entry;
  const written = (entry.models ?? []).map((model) => {
    const retiredAt = model.retiredAt ?? record.retired[model.id];
    const shutdownAt = model.shutdownAt ?? record.shutdown[model.id];
    return {
      ...model,
      ...(retiredAt === undefined ? {} : { retiredAt }),
      ...(shutdownAt === undefined ? {} : { shutdownAt }),
    };
  });
  const ids = new Set(written.map((model) => model.id));
  return { ...entry, models: [...written, ...record.models.filter((model) => !ids.has(model.id))] };
}
