// What the HTTP app needs: built by the composition root (src/main.ts), or by tests.
import type { Logger } from 'pino';
import type { ChatGraph } from '../../graphs/chat/index.js';
import type { CodeAgentService } from '../../graphs/code-agent/threads/service.js';
import type { ClientKeys } from '../accounts/client-keys.js';
import type { CatalogProposals } from '../catalog/proposals.js';
import type { KeyAdmin } from '../accounts/types.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/publisher.js';
import type { ResolvedCatalog, ResolvedProvider } from '../catalog/types.js';
import type { Availability } from '../routing/plan.js';
import type { StatsView } from '../routing/types.js';
import type { RequestLogStore, UsageStore } from '../storage/types.js';
import type { RunRecords } from '../../graphs/chat/run-record.js';
import type { EmbeddingDeps } from './embeddings/run.js';
import type { Metrics } from './metrics.js';
import type { StatusSources } from './status/snapshot.js';
import type { RequestLog } from './request-log/index.js';
import type { LiveSettings } from './settings/types.js';
import type { ResponseStore } from './responses/store.js';
import type { CatalogSync } from './discovery/catalog-sync.js';
import type { ShutdownState } from './shutdown.js';

export interface AppDeps {
  config: Config;
  registry: ResolvedCatalog;
  chat: ChatGraph;
  /** What POST /v1/embeddings runs on: the embedding adapters and the key pool, beside the catalog. */
  embeddings: EmbeddingDeps;
  /** The coding agent (threads checkpointed in stores.checkpointer). */
  agents: CodeAgentService;
  bus: EventBus;
  logger: Logger;
  /** When the gateway started (seconds since the epoch), for `created` in the model list. */
  startedAt: number;
  /** Gateway client keys: /v1 auth, rpm and daily budgets. */
  clientKeys: ClientKeys;
  /** Provider keys as the admin API manages them. */
  keyAdmin: KeyAdmin;
  /** The config file and the run-time settings (GET, PATCH /admin/settings; provider and model switches). */
  settings: LiveSettings;
  /** The circuits and the free-tier headroom, for GET /admin/status (the rest of it comes from the deps here). */
  status: Pick<StatusSources, 'breakers' | 'freeTier'>;
  /** SWITCHBOARD_ADMIN_KEY; unset turns the admin API off. */
  adminKey: string | undefined;
  usage: UsageStore;
  /** Follows each request of the chat and agent routes and writes its row (and log line) when it ends. */
  requestLog: RequestLog;
  /** The rows it wrote, for GET /v1/requests. */
  requests: RequestLogStore;
  metrics: Metrics;
  /** Stored responses of the Responses API (`store: true`), per caller. */
  responses: ResponseStore;
  /** Finished runs' records (GET /v1/runs/{run_id}). */
  runs: RunRecords;
  /** Live per-model stats and pruning, as the request graph's router sees them (POST /v1/routing/explain). */
  stats?: StatsView;
  /** Which providers cannot take a call now (the key pool's `unavailable`), for /v1/routing/explain. */
  availability?: Availability;
  /** Resolves when every store answers (Stores.ping), for /health/ready; absent: nothing to check. */
  checkStores?: () => Promise<void>;
  /** 0..1: the share of a provider's keys usable now (the key pool's `headroom`), for /v1/routing/explain. */
  headroom?: (provider: ResolvedProvider) => number;
  /** A stop in progress (SIGTERM): /health/ready reports it, chats still running at its grace's end are ended. */
  shutdown?: ShutdownState;
  /** Catalog proposals from community lists (`discovery.sources`); absent: the proposal routes are not mounted. */
  proposals?: CatalogProposals;
  /** Model discovery (POST /admin/catalog/sync, GET /admin/catalog/changes); absent: those routes answer 404. */
  catalogSync?: CatalogSync;
  /** The built web console (dist/ui), served at /ui; absent: no console (most tests). */
  consoleDir?: string;
  now: () => number;
}
