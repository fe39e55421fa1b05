// The data of each run event type, as the graphs emit it: one map from type to payload, checked from emit to reader.
// The shapes are restated here (not imported) because the event model sits below every layer that emits.

/** Token counts as OpenAI reports them (the providers' `Usage`). */
interface UsageData {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A chat request began (the request graph). */
interface ChatRunStarted {
  kind: 'chat';
  /** The model asked for (`auto` or a model id). */
  model: string;
  stream: boolean;
}

/** An agent run began: a new turn, or a thread resumed with a human's answer (`resume`). */
interface AgentRunStarted {
  kind: 'agent';
  agent: string;
  resume: boolean;
}

interface NodeFinishedData {
  duration_ms: number;
  /** An agent node paused on a human question. */
  interrupted?: boolean;
  /** An agent node threw. */
  failed?: boolean;
}

/**
 * On the routing events an agent relays from one of its model calls: the request graph's node that emitted it
 * (the event's own `node` is then the agent's node).
 */
interface Relayed {
  stage?: string;
}

interface RouteDecidedData extends Relayed {
  /** The model_quality mode routed for. */
  mode: string;
  /** The classified task, when the request was classified. */
  task?: string;
  /** The top ten candidates, best first. */
  plan: Array<{ model: string; score: number; reasons: string[] }>;
  /** How many candidates there were in all. */
  candidates: number;
  /** Models left out, and why. */
  skipped: Array<{ ref: string; reason: string }>;
}

/**
 * A call failed (or its provider could not take one: `circuit_open`, `resting`, `no_key`), and the failure policy
 * says what comes next.
 */
interface CallFailed extends Relayed {
  model: string;
  /** The failure's kind in the failure policy (`rate_limit`, `server`, `connect`... see docs/ROUTING.md). */
  kind: string;
  message: string;
}

/** The judge scored an answer under the threshold. */
interface AnswerRejected extends Relayed {
  model: string;
  rejected: true;
  score: number;
  reasons: string[];
}

/** A stream broke after text was sent, and another model continued the answer. */
interface StreamContinued extends Relayed {
  model: string;
  mid_stream: true;
  /** Characters the client already had. */
  sent_chars: number;
  continued_by: string;
  message: string;
}

/** A chat answer went out whole. */
interface ChatRunFinished {
  /** The model that answered (`provider/model`). */
  model: string;
  attempts: number;
  usage?: UsageData;
}

/** An agent run ended: done, or waiting for a human. */
interface AgentRunFinished {
  /** Never `error` in fact (such a run ends in run_failed); the emitter's type does not know it. */
  agent_status: 'completed' | 'requires_human_input' | 'error';
  model: string | null;
  files_written: string[];
}

/** The request graph gave up: the error the client got. */
interface ChatRunFailed {
  status: number;
  message: string;
  attempts: number;
}

/** A stream broke after text was sent and no model could continue it. */
interface StreamRunFailed {
  model: string;
  message: string;
}

/** An agent run failed: its error details (none in the unexpected case that the thread recorded no failure). */
interface AgentRunFailed {
  code?: string;
  message?: string;
  status?: number;
}

/** One change a model discovery sync (or a shutdown day reached) made to the catalog: CatalogChange, restated. */
interface CatalogChangeData {
  /** Ms since the epoch. */
  at: number;
  provider: string;
  model: string;
  /** `appeared`, `retired`, `returned`, `changed`, `shutdown` (a day announced) or `expired` (that day came). */
  change: string;
  detail?: string;
}

/** The data each event type carries. The events of a run, in order, are described in docs/EVENTS.md. */
export interface EventPayloads {
  run_started: ChatRunStarted | AgentRunStarted;
  /** Nothing: the event's `node` says which. */
  node_started: Record<string, never>;
  node_finished: NodeFinishedData;
  route_decided: RouteDecidedData;
  attempt_failed: CallFailed | AnswerRejected | StreamContinued;
  /** Streamed answer text, as the client receives it. */
  token: { text: string };
  /** An agent's tool call, before it runs (and before its approval, when it needs one). */
  tool_call: { tool_call_id: string; name: string; args: Record<string, unknown> };
  /** A tool call's result; `content` is cut to 2,000 characters. */
  tool_result: { tool_call_id: string; name: string; status: 'success' | 'error'; content: string };
  /** An agent waits for a human: a question it asked, or the approval of a tool call. */
  interrupt: { tool_call_id: string | null; question: string; kind: 'question' | 'approval' };
  run_finished: ChatRunFinished | AgentRunFinished;
  run_failed: ChatRunFailed | StreamRunFailed | AgentRunFailed;
  /**
   * The catalog changed (gateway-wide, not a run's): one event per sync that changed something, in a run of its own
   * under the thread CATALOG_THREAD_ID; `/v1/ws` clients follow it with `{"type":"subscribe","topic":"catalog"}`.
   */
  catalog_changed: { changes: CatalogChangeData[] };
}
