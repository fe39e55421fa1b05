// What the HTTP app needs: built by the composition root (src/main.ts), or by tests.
import type { Logger } from 'pino';
import type { ChatGraph } from '../../graphs/chat/index.js';
import type { CodeAgentService } from '../../graphs/code-agent/service.js';
import type { ClientKeys } from '../accounts/client-keys.js';
import type { KeyAdmin } from '../accounts/types.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/publisher.js';
import type { Registry } from '../providers/registry.js';
import type { UsageStore } from '../storage/types.js';
import type { Metrics } from './metrics.js';
import type { ResponseCache } from './response-cache.js';

export interface AppDeps {
  config: Config;
  registry: Registry;
  chat: ChatGraph;
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
  /** SWITCHBOARD_ADMIN_KEY; unset turns the admin API off. */
  adminKey: string | undefined;
  usage: UsageStore;
  metrics: Metrics;
  cache: ResponseCache;
  now: () => number;
}
