// What the HTTP app needs: built by the composition root (src/main.ts), or by tests.
import type { Logger } from 'pino';
import type { ChatGraph } from '../../graphs/chat/index.js';
import type { CodeAgentService } from '../../graphs/code-agent/service.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/publisher.js';
import type { Registry } from '../providers/registry.js';

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
}
