// The discovered layer of the catalog, kept in the record store (shared by every instance on it): between the
// built-in catalog and the config. It holds what discovery found, and the providers (or limits) an operator accepted
// from a community list's proposals.
import type { ProviderEntry } from '../../config/schema.js';
import type { RecordStore } from '../../storage/types.js';
import { withDiscovered, type CatalogChange, type DiscoveredProvider } from './sync.js';

const LAYER_COLLECTION = 'catalog-discovered';
/** Entries accepted from proposals, by provider id: a whole new provider, or a known one's limits. */
const ACCEPTED_COLLECTION = 'catalog-accepted';
const CHANGES_COLLECTION = 'catalog-changes';
/** Changes kept: the oldest go beyond this. */
const MAX_CHANGES = 2_000;

/** The discovered layer as this instance last read it from the store. */
export interface DiscoveredLayer {
  /** `entry` (the catalog's merged with the config's) with what discovery knows of its provider. */
  apply(entry: ProviderEntry): ProviderEntry;
  /** The entries accepted from proposals: over the catalog, under the config. */
  accepted(): ProviderEntry[];
  /** Adds (or replaces) an accepted entry. */
  accept(entry: ProviderEntry): Promise<void>;
  /** Removes the accepted entry of `provider` (a proposal dismissed after all); false when there was none. */
  withdraw(provider: string): Promise<boolean>;
  /** What discovery knows of a provider. */
  get(provider: string): DiscoveredProvider | undefined;
  /** Re-reads the layer from the store (after another instance synced). */
  load(): Promise<void>;
  /** Stores a provider's next record and the changes its sync found. */
  save(record: DiscoveredProvider, changes: CatalogChange[]): Promise<void>;
  /**
   * Stores changes made without a sync (a shutdown day reached), under ids made of their contents: every instance
   * notes the same change, and it is kept once.
   */
  note(changes: CatalogChange[]): Promise<void>;
  /** Changes since `since` (ms since the epoch), newest first. */
  changes(since?: number): Promise<CatalogChange[]>;
  /** Whether a collection the store says changed is this layer's. */
  owns(collection: string | undefined): boolean;
}

/** A layer over `records`; empty until `load`. */
export function createDiscoveredLayer(records: RecordStore): DiscoveredLayer {
  let byProvider = new Map<string, DiscoveredProvider>();
  let accepted = new Map<string, ProviderEntry>();
  let sequence = 0;
  return {
    apply: (entry) => withDiscovered(entry, byProvider.get(entry.id)),
    get: (provider) => byProvider.get(provider),
    accepted: () => [...accepted.values()],
    async accept(entry) {
      accepted.set(entry.id, entry);
      await records.put(ACCEPTED_COLLECTION, entry.id, JSON.stringify(entry));
    },
    async withdraw(provider) {
      accepted.delete(provider);
      return records.delete(ACCEPTED_COLLECTION, provider);
    },
    async load() {
      byProvider = await readAll<DiscoveredProvider>(records, LAYER_COLLECTION);
      accepted = await readAll<ProviderEntry>(records, ACCEPTED_COLLECTION);
    },
    async save(record, changes) {
      byProvider.set(record.provider, record);
      for (const change of changes) {
        sequence += 1;
        const id = `${String(change.at).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${change.provider}`;
        await records.put(CHANGES_COLLECTION, id, JSON.stringify(change));
      }
      // The layer record last: an instance that reloads on it sees the changes too.
      await records.put(LAYER_COLLECTION, record.provider, JSON.stringify(record));
      await trim(records);
    },
    async note(changes) {
      for (const change of changes) {
        const id = `${String(change.at).padStart(15, '0')}-${change.change}-${change.provider}-${change.model}`;
        await records.put(CHANGES_COLLECTION, id, JSON.stringify(change));
      }
      await trim(records);
    },
    async changes(since = 0) {
      const rows = await records.list(CHANGES_COLLECTION);
      return rows
        .sort((a, b) => (a.id < b.id ? 1 : -1))
        .flatMap(({ value }) => parse<CatalogChange>(value) ?? [])
        .filter((change) => change.at >= since);
    },
    owns: (collection) =>
      collection === undefined || collection === LAYER_COLLECTION || collection === ACCEPTED_COLLECTION,
  };
}

/** Every record of a collection that parses, by id. */
async function readAll<T>(records: RecordStore, collection: string): Promise<Map<string, T>> {
  const rows = await records.list(collection);
  return new Map(
    rows.flatMap(({ id, value }) => {
      const record = parse<T>(value);
      return record === undefined ? [] : [[id, record] as const];
    }),
  );
}

async function trim(records: RecordStore): Promise<void> {
  const rows = await records.list(CHANGES_COLLECTION);
  if (rows.length <= MAX_CHANGES) return;
  const oldest = rows.map((row) => row.id).sort();
  for (const id of oldest.slice(0, rows.length - MAX_CHANGES)) await records.delete(CHANGES_COLLECTION, id);
}

/** A stored record, or undefined when it does not parse (written by a newer version, say): skipped, not fatal. */
function parse<T>(value: string): T | undefined {
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}
