// Composition root: config → registry → stores → providers → request graph → agent service → app → listen (+ the event
// stream).
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createChatGraph } from '../graphs/chat/index.js';
import { createResponseCache } from '../graphs/chat/response-cache.js';
import { createRunRecords } from '../graphs/chat/run-record.js';
import { createCodeAgentService } from '../graphs/code-agent/threads/service.js';
import { parseWorkspaceRoots } from '../tools/workspace-roots.js';
import { createAccounts, type Accounts } from './accounts/index.js';
import type { ShutdownReached } from './accounts/shutdown-timer.js';
import type { Env } from './config/load.js';
import { createRuntimeSettingsStore } from './config/runtime-settings.js';
import type { Config } from './config/schema.js';
import { createEventBus, type EventBus } from './events/publisher.js';
import { restoreFastPrototypes } from './fast-prototypes.js';
import { attachEventStream } from './server/ws/server.js';
import { createEmbedders } from './providers/embedding-protocols.js';
import { createAdapters } from './providers/protocols.js';
import { createHttpClient, type PoolOptions } from './providers/http.js';
import { loadCatalog } from './catalog/load.js';
import { createCatalogProposals } from './catalog/proposals.js';
import { portOf } from './catalog/local-servers.js';
import { mergedProviders } from './catalog/resolve.js';
import { createDiscoveredLayer } from './catalog/discovery/layer.js';
import { publishCatalogChanges } from './server/discovery/catalog-events.js';
import { createCatalogSync } from './server/discovery/catalog-sync.js';
import type { ResolvedCatalog, ResolvedProvider } from './catalog/types.js';
import { createGatewayListener } from './server/hot-path.js';
import { defaultConsoleDir } from './server/routes/console.js';
import { checkExposure, EXPOSED_WARNING, listenError, listenUrls } from './server/listen.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { prettyLogStream } from './server/pretty-log.js';
import { createRequestLog } from './server/request-log/index.js';
import { createServerDrain } from './server/shutdown.js';
import { createLiveSettings } from './server/settings/live-settings.js';
import { createResponseStore } from './server/responses/store.js';
import type { ConfigSource, LiveSettings, ReloadStatus } from './server/settings/types.js';
import { createLiveStats, recordCallStats } from './routing/stats.js';
import { wsAuthorize } from './server/ws/auth.js';
import { createStores, storesOptionsFromEnv, type Stores } from './storage/index.js';

export interface GatewayOptions {
  config: Config;
  env?: Env;
  logger?: Logger;
  /** Listen beyond loopback with client auth off (`--allow-public`; default: SWITCHBOARD_ALLOW_PUBLIC=1). */
  allowPublic?: boolean;
  /**
   * Where `config` was loaded from: its file is watched and read again when it changes (and on reloadConfig), and the
   * settings view tells which values it set. Absent: the config is all there is (every value shows as a default).
   */
  configSource?: ConfigSource;
  /** How long the config file's directory must be quiet after a change before the file is read (default 200 ms). */
  reloadDebounceMs?: number;
}

export interface Gateway {
  server: Server;
  registry: ResolvedCatalog;
  bus: EventBus;
  stores: Stores;
  accounts: Accounts;
  /** The config file and the run-time settings, applied live. */
  settings: LiveSettings;
  /** The base URL to reach it at, e.g. http://127.0.0.1:8000 (loopback when it listens on every interface). */
  url: string;
  /** The address it really listens on, e.g. http://0.0.0.0:8000 for every interface. */
  address: string;
  /** It listens beyond loopback with client auth off, as allowPublic let it: anyone who reaches it can use it. */
  exposed: boolean;
  /** Reads the config file again and applies what can change live (SIGHUP); a bad file is refused and logged. */
  reloadConfig(): Promise<ReloadStatus>;
  /**
   * The graceful stop (SIGTERM): stops accepting connections and reports not ready, lets the requests in flight finish
   * within `graceMs` (default `server.shutdownGraceMs`), ends the chats still running then (a stream with an error
   * event and its proper end, others 503), closes the WebSocket clients (1001), then closes like `close`.
   */
  shutdown(graceMs?: number): Promise<void>;
  /** Stops at once: connections are cut, the stores flushed and closed. */
  close(): Promise<void>;
}

/** Secrets that must never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'req.headers.authorization',
  '*.apiKey',
  '*.apiKeys',
  '*.keys',
  '*.secret',
  '*.key',
  'headers.authorization',
  'headers["x-api-key"]',
];

/**
 * The gateway's logger: one JSON line per entry on stdout (or `out`), or (`format` `pretty`, from LOG_FORMAT) a short
 * human-readable line per entry. Secrets are redacted either way.
 */
export function createLogger(
  level: Config['logLevel'],
  format?: string,
  out?: { write(text: string): unknown },
): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (format === 'pretty') return pino(options, prettyLogStream(out ?? process.stdout));
  return out === undefined ? pino(options) : pino(options, { write: (line: string) => void out.write(line) });
}

/** Builds every part from the config and starts listening on config.server (port 0 picks a free one). */
export async function startGateway({
  config,
  env = process.env,
  logger = createLogger(config.logLevel, env['LOG_FORMAT']),
  allowPublic = env['SWITCHBOARD_ALLOW_PUBLIC'] === '1',
  configSource,
  reloadDebounceMs,
}: GatewayOptions): Promise<Gateway> {
  // Every module the gateway runs is loaded by now (ioredis's among them, which leaves String.prototype slow).
  restoreFastPrototypes();
  // A provider's pool is read when first used, from the registry of then (set once the accounts exist).
  let registryNow: (() => ResolvedCatalog) | undefined;
  const http = createHttpClient({
    connectTimeoutMs: config.timeouts.connectMs,
    pool: (id) =>
      providerPool(
        registryNow?.().providers.find((p) => p.id === id),
        config.accounts.defaultConcurrency,
      ),
  });
  const adapters = createAdapters({ http });
  const { maxEventsPerRun, retentionMs } = config.events;
  const stores = createStores({
    ...storesOptionsFromEnv(env),
    logger,
    events: { maxEventsPerRun, retentionMs },
    usage: config.usage,
    requests: config.requests,
  });
  const metrics = createMetrics();
  const { content, contentMaxChars: maxChars } = config.logging;
  const requestLog = createRequestLog({ store: stores.requests, logger, content: { enabled: content, maxChars } });
  const stats = createLiveStats({
    store: stores.stats,
    pruning: config.routing.pruning,
    bandit: config.routing.bandit,
    complexity: config.routing.complexity,
    logger,
  });
  const catalog = loadCatalog(env);
  // A store or a vault that cannot be opened stops the start: let go of Redis and the sockets first.
  const abandon = async (err: unknown): Promise<never> => {
    await stats.close();
    await Promise.all([stores.close(), http.close()]);
    throw err;
  };
  // The discovered layer as the store holds it (a store read, no provider is asked): between catalog and config.
  const discovered = createDiscoveredLayer(stores.records);
  await discovered.load().catch(abandon);
  // The run-time settings go over the file's before anything reads them: the gateway starts on the result.
  const settings = await createLiveSettings({
    config,
    source: configSource,
    catalog,
    discovered,
    store: createRuntimeSettingsStore({
      records: stores.records,
      onInvalid: (id, reason) => logger.warn({ setting: id }, `run-time setting ${id} ignored: ${reason}`),
    }),
    logger,
    debounceMs: reloadDebounceMs,
  }).catch(abandon);
  // Wired once discovery's schedule exists (below): a shutdown that comes earlier (a slow start) waits for it.
  const reachedEarly: ShutdownReached[] = [];
  let shutdownsReached = (models: ShutdownReached[]) => void reachedEarly.push(...models);
  const accounts = await createAccounts({
    config,
    env,
    catalog,
    switches: settings.switches,
    discovered,
    stores,
    adapters,
    logger,
    onCall(record) {
      metrics.recordCall(record);
      requestLog.noteCall(record);
      recordCallStats(stats, record);
    },
    recordsLocation: stores.recordsLocation,
    onShutdown: (models) => shutdownsReached(models),
  }).catch(abandon);
  const bus = createEventBus();
  bus.attach((event) => stores.eventLog.append(event));
  registryNow = () => accounts.registry;
  const catalogSync = await createCatalogSync({
    config,
    // Accepted providers are written out too (their listing adds the models they lack).
    written: () => mergedProviders(catalog, config.providers, { accepted: () => discovered.accepted() }),
    registry: accounts.registry,
    adapters,
    layer: discovered,
    records: stores.records,
    reload: () => accounts.reload(),
    logger,
    publish: (changes, at) => publishCatalogChanges(bus, changes, at),
    locks: stores.locks,
  });
  shutdownsReached = (models) =>
    void catalogSync
      .noteExpired(models)
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'a shutdown reached could not be noted'));
  if (reachedEarly.length > 0) shutdownsReached(reachedEarly.splice(0));
  const release = async () => {
    await catalogSync.close();
    await settings.close();
    await accounts.close();
    await stats.close();
    await Promise.all([stores.close(), http.close()]);
  };
  // Before listening: a gateway open to the network by accident would spend its provider keys for anyone.
  const exposed = await Promise.resolve()
    .then(() => checkExposure(config.server.host, accounts.clientKeys.authRequired(), allowPublic))
    .catch(async (err: unknown) => {
      await release();
      throw err;
    });
  if (exposed) logger.warn({ host: config.server.host }, EXPOSED_WARNING);
  // From here on, changes of the config file and of the run-time settings apply to the running gateway.
  await settings.start(accounts).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  const { registry } = accounts;
  metrics.setGaugeSources(gaugeSources(accounts));
  const runs = createRunRecords(stores.kv, config.events.retentionMs, logger);
  const chat = createChatGraph({
    registry,
    adapters,
    keys: accounts.keys,
    stats,
    runs,
    cache: createResponseCache(stores.kv, {
      ...config.cache,
      onError: (err) => logger.warn({ err }, 'response cache failed'),
    }),
    routing: config.routing,
    timeouts: config.timeouts,
    now: Date.now,
  });
  const agents = createCodeAgentService({
    chat,
    checkpointer: stores.checkpointer,
    locks: stores.locks,
    bus,
    maxSteps: config.agents.maxSteps,
    maxRunMs: config.agents.maxRunMs,
    maxTokensPerRun: config.agents.maxTokensPerRun,
    // Read at each agent step, not once: the default mode can change while the gateway runs.
    get defaultMode() {
      return config.routing.defaultMode;
    },
    workspaceRoots: config.agents.workspaceRoots?.map((root) => path.resolve(root)) ?? parseWorkspaceRoots(env),
    ...(config.agents.maxFileBytes === undefined ? {} : { maxFileBytes: config.agents.maxFileBytes }),
    logger,
  });
  const adminKey = env['SWITCHBOARD_ADMIN_KEY'] || undefined;
  const proposals = createCatalogProposals({
    // Read at each refresh: a reloaded config file changes both.
    get sources() {
      return config.discovery.sources;
    },
    providers: () => mergedProviders(catalog, config.providers, { accepted: () => discovered.accepted() }),
    records: stores.records,
    http,
    timeouts: config.timeouts,
    now: Date.now,
    layer: discovered,
    // At once, on this instance; the others rebuild when the store tells them the layer changed.
    changed: () => accounts.reload(),
    local: () =>
      config.discovery.local
        ? {
            ports: config.discovery.localPorts,
            timeoutMs: config.discovery.localTimeoutMs,
            // Not the gateway's own port (vLLM's default is Switchboard's too), nor a provider already on.
            skip: (port) =>
              port === config.server.port || accounts.registry.providers.some((p) => portOf(p.baseUrl) === port),
          }
        : undefined,
  });
  // In the background, never delaying readiness; a list that cannot be read is a warning, not a failed start.
  if (config.discovery.sources.length > 0 || config.discovery.local)
    void proposals.refresh().then(
      ({ made, failed }) => {
        if (made > 0) logger.info({ made }, 'community lists propose catalog changes: GET /admin/catalog/proposals');
        for (const { source, error } of failed) logger.warn({ source, error }, 'community list could not be read');
      },
      (err: unknown) => logger.warn({ err }, 'community lists could not be read'),
    );
  const drain = createServerDrain();
  const { options: serverOptions, listener } = createGatewayListener({
    config,
    registry,
    chat,
    embeddings: {
      registry,
      embedders: createEmbedders({ http }),
      keys: accounts.keys,
      routing: config.routing,
      timeouts: config.timeouts,
      now: Date.now,
    },
    agents,
    bus,
    logger,
    startedAt: Math.floor(Date.now() / 1000),
    clientKeys: accounts.clientKeys,
    keyAdmin: accounts.keyAdmin,
    settings,
    status: { breakers: accounts.breakers, freeTier: accounts.freeTier },
    adminKey,
    usage: stores.usage,
    requestLog,
    requests: stores.requests,
    metrics,
    stats,
    runs,
    responses: createResponseStore(stores.records, {
      retentionMs: config.responses.retentionMs,
      maxPerScope: config.responses.maxPerClient,
      now: Date.now,
      onError: (err) => logger.warn({ err }, 'sweeping stored responses failed'),
    }),
    availability: (provider) => accounts.keys.unavailable(provider),
    checkStores: () => stores.ping(),
    headroom: (provider) => accounts.keys.headroom(provider),
    proposals,
    catalogSync,
    consoleDir: env['SWITCHBOARD_UI_DIR'] || defaultConsoleDir(import.meta.dirname),
    shutdown: drain,
    now: Date.now,
  });
  const server = createServer(serverOptions, listener);
  drain.attach(server);
  const { heartbeatMs, maxQueuedMessages, maxBufferedBytes } = config.events;
  const stream = attachEventStream(server, {
    log: stores.eventLog,
    logger,
    authorize: wsAuthorize(accounts.clientKeys, adminKey),
    options: { heartbeatMs, maxQueuedMessages, maxBufferedBytes },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  }).catch(async (err: unknown) => {
    await stream.close();
    await release();
    throw listenError(err, config.server.host, config.server.port);
  });
  const { url, address } = listenUrls(server.address() as AddressInfo);
  // Listening already: the first listing runs in the background, readiness never waits for a provider.
  catalogSync.start();
  const gateway: Gateway = {
    server,
    registry,
    bus,
    stores,
    accounts,
    settings,
    url,
    address,
    exposed,
    reloadConfig: () => settings.reloadFile('signal'),
    async shutdown(graceMs = config.server.shutdownGraceMs) {
      logger.info({ graceMs }, 'stopping: finishing the requests in flight');
      const report = await drain.drain(graceMs, () => stream.close());
      await gateway.close();
      logger.info(report, 'stopped');
    },
    async close() {
      // WebSocket clients first: with one connected, server.close() would never finish.
      await stream.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await catalogSync.close();
      await http.close();
      await settings.close();
      await accounts.close();
      await stats.close();
      await stores.close();
    },
  };
  return gateway;
}

/** The key, circuit and load gauges of /metrics, read at scrape time. */
function gaugeSources(accounts: Accounts): Parameters<Metrics['setGaugeSources']>[0] {
  return {
    keys() {
      const counts = new Map<string, { provider: string; status: string; count: number }>();
      for (const key of accounts.keys.describe(accounts.registry)) {
        const id = `${key.provider}\n${key.status}`;
        const entry = counts.get(id) ?? { provider: key.provider, status: key.status, count: 0 };
        entry.count += 1;
        counts.set(id, entry);
      }
      return [...counts.values()];
    },
    circuits: () => accounts.registry.providers.map((p) => ({ provider: p.id, state: accounts.breakers.state(p.id) })),
    load: () => accounts.registry.providers.map((p) => ({ provider: p.id, ...accounts.keys.load(p.id) })),
  };
}

/**
 * A provider's upstream pool: its `maxConnections`, else as many calls at once (sockets, or HTTP/2 streams) as its
 * concurrency cap lets through, so that the cap (with its bounded wait and its turn-away when the circuit opens) is
 * what holds calls back, never a queue for a socket. Undefined for pools that are not a provider's (the defaults).
 */
function providerPool(provider: ResolvedProvider | undefined, defaultConcurrency: number): PoolOptions | undefined {
  if (provider === undefined) return undefined;
  const connections = provider.maxConnections ?? provider.limits.concurrency ?? defaultConcurrency;
  return { connections, ...(provider.http2 ? { http2: true } : {}) };
}
