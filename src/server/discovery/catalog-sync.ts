// Discovery's schedule: lists every enabled provider's models from the provider itself (in the background on start,
// then every `discovery.intervalHours`, or now when the admin asks), stores the discovered layer, rebuilds the registry.
import type { Logger } from 'pino';
import type { DiscoveredLayer } from '../../catalog/discovery/layer.js';
import { syncListing, type CatalogChange } from '../../catalog/discovery/sync.js';
import type { ResolvedCatalog, ResolvedProvider } from '../../catalog/types.js';
import type { Config, ProviderEntry } from '../../config/schema.js';
import { withoutSecret } from '../../providers/errors.js';
import type { Adapters } from '../../providers/protocols.js';
import type { ShutdownReached } from '../../accounts/shutdown-timer.js';
import type { LockStore, RecordStore } from '../../storage/types.js';

/** What one sync did: each provider listed (or why not), and what changed. */
export interface SyncReport {
  syncedAt: number;
  providers: Array<{ id: string; ok: boolean; listed?: number; error?: string }>;
  changes: CatalogChange[];
}

/** The discovery of one gateway. */
export interface CatalogSync {
  /** Lists every discovering provider now (whatever the interval), stores the result and rebuilds the registry. */
  syncNow(): Promise<SyncReport>;
  /** Starts the schedule: a first sync in the background (readiness never waits for it), then every interval. */
  start(): void;
  /** What syncs found since `since` (ms since the epoch), newest first: on every instance of the store. */
  changes(since?: number): Promise<CatalogChange[]>;
  /**
   * Notes models whose shutdown came (`expired` changes) and publishes them; every instance's timer fires, one
   * instance (the one that takes the lock) publishes.
   */
  noteExpired(models: ShutdownReached[]): Promise<void>;
  close(): Promise<void>;
}

export interface CatalogSyncOptions {
  config: Config;
  /** The catalog merged with the config, without the discovered layer: what is written out. */
  written: () => ProviderEntry[];
  registry: ResolvedCatalog;
  adapters: Adapters;
  layer: DiscoveredLayer;
  records: RecordStore;
  /** Rebuilds the registry (accounts.reload): the same path a config reload takes. */
  reload: () => Promise<void>;
  logger: Logger;
  /** Where a sync's changes go besides the changes log: the event bus (`catalog_changed`). */
  publish?: (changes: CatalogChange[], now: number) => void;
  /** Shared by the instances: one of them publishes a shutdown reached. Absent: this one always does. */
  locks?: LockStore;
  now?: () => number;
}

const HOUR_MS = 3_600_000;
/** How long the lock that makes one instance publish a shutdown reached is held: past every instance's timer. */
const EXPIRED_LOCK_MS = 24 * HOUR_MS;
/** setInterval's longest delay: beyond it Node fires at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The schedule over `options`; nothing runs before `start` or `syncNow`. */
export async function createCatalogSync(options: CatalogSyncOptions): Promise<CatalogSync> {
  const { config, layer, logger } = options;
  const now = options.now ?? Date.now;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SyncReport> | undefined;
  // Another instance's sync reaches this one through the store: read the layer again and rebuild.
  const unwatch = await options.records.watch((collection) => {
    if (!layer.owns(collection)) return;
    layer
      .load()
      .then(options.reload)
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'discovered catalog changed but could not be read'));
  });

  const syncOne = async (provider: ResolvedProvider, entry: ProviderEntry, at: number) => {
    const listed = await options.adapters[provider.protocol].discoverModels({
      baseUrl: provider.baseUrl,
      apiKey: provider.keys[0]?.secret ?? '',
      signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(config.discovery.timeoutMs)]),
      timeouts: config.timeouts,
      headers: provider.headers,
    });
    const addNew = entry.discover ?? ((entry.models ?? []).length === 0 || config.discovery.all);
    const { next, changes } = syncListing(entry, layer.get(provider.id), listed, addNew, at);
    await layer.save(next, changes);
    return { listed: listed.length, changes };
  };

  const run = async (force: boolean): Promise<SyncReport> => {
    const at = now();
    const report: SyncReport = { syncedAt: at, providers: [], changes: [] };
    const written = new Map(options.written().map((entry) => [entry.id, entry]));
    for (const provider of [...options.registry.providers]) {
      const entry = written.get(provider.id);
      if (entry === undefined || entry.discover === false || stopping.signal.aborted) continue;
      const last = layer.get(provider.id)?.syncedAt ?? 0;
      // Several instances share the layer: a provider one of them listed lately is not listed again on schedule.
      if (!force && at - last < (config.discovery.intervalHours * HOUR_MS) / 2) continue;
      const secret = provider.keys[0]?.secret ?? '';
      try {
        const { listed, changes } = await syncOne(provider, entry, at);
        report.providers.push({ id: provider.id, ok: true, listed });
        report.changes.push(...changes);
      } catch (err) {
        const masked = withoutSecret(err, secret);
        const error = masked instanceof Error ? masked.message : 'the listing failed';
        report.providers.push({ id: provider.id, ok: false, error });
        logger.warn({ provider: provider.id, err: error }, 'model discovery failed; the catalog stays as it was');
      }
    }
    if (report.changes.length > 0) {
      await options.reload();
      logger.info({ changes: report.changes.length }, 'model discovery changed the catalog');
      options.publish?.(report.changes, now());
    }
    return report;
  };

  const once = (force: boolean): Promise<SyncReport> => {
    running ??= run(force).finally(() => {
      running = undefined;
    });
    return running;
  };

  const background = () =>
    void once(false).catch((err: unknown) => logger.warn({ err: String(err) }, 'model discovery failed'));

  return {
    syncNow: () => once(true),
    changes: (since) => layer.changes(since),
    async noteExpired(models) {
      const changes: CatalogChange[] = models.map(({ provider, model, shutdownAt }) => ({
        at: Date.parse(shutdownAt),
        provider,
        model,
        change: 'expired',
        detail: shutdownAt,
      }));
      await layer.note(changes);
      const mine: CatalogChange[] = [];
      for (const change of changes) {
        const name = `catalog-expired:${change.provider}/${change.model}@${change.detail}`;
        if (options.locks === undefined || (await options.locks.tryAcquire(name, EXPIRED_LOCK_MS)) !== undefined)
          mine.push(change);
      }
      options.publish?.(mine, now());
    },
    start() {
      if (!config.discovery.enabled) return;
      setImmediate(background);
      timer = setInterval(background, Math.min(config.discovery.intervalHours * HOUR_MS, MAX_DELAY_MS));
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      stopping.abort();
      await unwatch();
      await running?.catch(() => undefined);
    },
  };
}
