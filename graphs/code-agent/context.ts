// What one agent run hands the graph's nodes besides the state: its emitter, its tools and workspace, when to stop.
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ModelQuality } from '../../src/config/schema.js';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { RunEmitter } from '../../src/events/publisher.js';
import type { ClientKeyInfo } from '../../src/accounts/types.js';
import type { AgentTool } from '../../tools/define-tool.js';
import type { Workspace } from '../../tools/workspace.js';
import type { ChatGraph } from '../chat/index.js';
import type { AgentFailure } from './state.js';

/** What the agent graph is built from (see `buildCodeAgentGraph`). */
export interface CodeAgentDeps {
  /** The request graph: every model call of the agent goes through it (routing, keys, fallback). */
  chat: ChatGraph;
  /** Where threads are checkpointed: `stores.checkpointer` (MemorySaver, or Redis with REDIS_URL). */
  checkpointer: BaseCheckpointSaver;
  /** Model calls one run may make before it ends with the step-limit error. */
  maxSteps: number;
  /** Tokens (usage.total_tokens) the model calls of one run may use (default 200,000); a request may ask for less. */
  maxTokensPerRun?: number;
  /** The routing mode when a request gives no model_quality. */
  defaultMode: ModelQuality;
}

/**
 * Per-run objects that cannot be checkpointed. They travel in `configurable` under {@link RUN_CONTEXT_KEY}, which
 * LangGraph passes to every node but never stores; each run (invoke or resume) supplies its own.
 */
export interface AgentRunContext {
  /** The run's emitter (its run id and the thread id). */
  emitter: RunEmitter;
  /** The tools of this run (file tools with a project directory, ask_human_for_input); the system prompt lists them. */
  tools: AgentTool[];
  /** The project's sandbox, when the request names one; its writtenFiles() feeds the state's files_written. */
  workspace?: Workspace | undefined;
  /** Aborted when a client cancels the run or its time limit expires: the in-flight model call stops with it. */
  signal: AbortSignal;
  /** Why the run must stop now (`cancelled`, `time_limit`), or null: asked before each model call and tool call. */
  stop(): AgentFailure | null;
  /** The client key the run is made for: its usage, budget and allowed models apply to every model call. */
  access?: AgentAccess | undefined;
}

/** Who is using a thread: a client key (with what it may use), or nobody in particular (an admin, or auth off). */
export interface AgentAccess {
  client?: ClientKeyInfo;
  /** Whether the client may use a model (`provider/model`). */
  allows?: (ref: string) => boolean;
}

/** The `configurable` key of the {@link AgentRunContext}. */
export const RUN_CONTEXT_KEY = 'switchboard_agent_run';

/** The run context of a node's config; throws when the graph was invoked without one (a bug, not a client error). */
export function runContextOf(config: LangGraphRunnableConfig): AgentRunContext {
  const context = config.configurable?.[RUN_CONTEXT_KEY] as AgentRunContext | undefined;
  if (context === undefined) throw new Error(`the agent graph needs configurable.${RUN_CONTEXT_KEY}`);
  return context;
}
