// The coding agent's LangGraph state: each field documented, with the reducer that merges a node's update into it.
import type { BaseMessage } from '@langchain/core/messages';
import { Annotation, messagesStateReducer } from '@langchain/langgraph';
import type { ModelQuality } from '../../src/config/schema.js';

/** What the client asked for in its latest invoke (echoed as `request_params`, and reused by resumes). */
export interface AgentRequestParams {
  instruction: string;
  context?: string;
  language?: string;
  /** Absolute path of the project the file tools act in; without it the agent has only ask_human_for_input. */
  project_directory?: string;
  model_quality?: ModelQuality;
  provider?: string;
  /**
   * Tools whose every call waits for the human's approval (the API accepts the file tools). A tool that cannot need
   * approval (ask_human_for_input, itself a question) is never asked about; each tool words its own question.
   */
  require_approval: string[];
  /** A lower time limit for each run of the thread than `agents.maxRunMs` (a higher one is ignored). */
  max_run_ms?: number;
  /** A lower token budget for each run of the thread than `agents.maxTokensPerRun` (a higher one is ignored). */
  max_tokens_per_run?: number;
  /** The id of the client key that started the thread (when auth is on): only it, and admins, may use the thread. */
  owner?: string;
}

/** Why a run ended without an answer. `code` is stable; `message` is for people. */
export interface AgentFailure {
  /**
   * `step_limit`, `time_limit`, `token_budget`, `cancelled`, or the gateway error code of the model call that failed
   * (`rate_limit_exceeded`...).
   */
  code: string;
  message: string;
  /** The HTTP status the model failure would have had in chat (absent for the limits and cancelled). */
  status?: number;
}

/** Appends the files not listed yet, in order, so the files written accumulate across runs and resumes. */
export function addFiles(current: string[], update: string[]): string[] {
  const fresh = update.filter((file) => !current.includes(file));
  return fresh.length === 0 ? current : [...current, ...new Set(fresh)];
}

/** The latest write wins (a node that returns nothing for the field leaves it as it is). */
function latest<T>(): (current: T, update: T) => T {
  return (_current, update) => update;
}

/**
 * The state of one agent thread, checkpointed after every step. The system prompt is not part of it: the agent
 * node builds it from `request` and the run's tools on each call, so a prompt change applies to old threads too.
 */
export const CodeAgentState = Annotation.Root({
  /** The conversation: the human's instructions, the model's turns (with tool calls), and tool results. */
  messages: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
  /** The latest invoke's parameters; an invoke replaces them, a resume keeps them. */
  request: Annotation<AgentRequestParams>({
    reducer: latest<AgentRequestParams>(),
    default: () => ({ instruction: '', require_approval: [] }),
  }),
  /** Model calls made in the current run; an invoke sets it back to 0, the agent node adds one per call. */
  steps: Annotation<number>({ reducer: latest<number>(), default: () => 0 }),
  /** Tokens (usage.total_tokens) the current run's model calls used; an invoke and a resume set it back to 0. */
  tokens: Annotation<number>({ reducer: latest<number>(), default: () => 0 }),
  /** Files written in the project over the thread's whole life, relative to the project, in first-written order. */
  files_written: Annotation<string[]>({ reducer: addFiles, default: () => [] }),
  /** The model (`provider/model`) that gave the latest answer. */
  model_used: Annotation<string | null>({ reducer: latest<string | null>(), default: () => null }),
  /** Why the latest run failed (set by the agent node, the tools node or a limit); an invoke clears it. */
  error: Annotation<AgentFailure | null>({ reducer: latest<AgentFailure | null>(), default: () => null }),
});

/** The state's value type. */
export type CodeAgentValues = typeof CodeAgentState.State;
/** A node's partial update. */
export type CodeAgentUpdate = typeof CodeAgentState.Update;
