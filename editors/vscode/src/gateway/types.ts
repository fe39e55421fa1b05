// The gateway's wire shapes the extension uses: its own small copies (it talks HTTP and WebSocket to the gateway and
// imports nothing from it).

/** The routing modes a request may ask for (`model_quality`). */
export const MODEL_QUALITIES = ['fastest', 'balanced', 'best_quality'] as const;
export type ModelQuality = (typeof MODEL_QUALITIES)[number];

/** POST /v1/contextual_chat/completions' body. */
export interface ContextualRequest {
  prompt: string;
  selected_code?: string;
  active_file?: { path: string; content: string; language?: string };
  model_quality?: ModelQuality;
}

/** A streamed contextual answer, once complete. */
export interface ChatAnswer {
  text: string;
  /** From the x-switchboard-provider and x-switchboard-model headers. */
  provider: string | undefined;
  model: string | undefined;
  runId: string | undefined;
}

/** The question a paused thread waits on. */
export interface HumanInputRequest {
  tool_call_id: string;
  question_for_human: string;
  kind: 'question' | 'approval';
}

/** What invoke and resume answer. */
export interface AgentResponse {
  thread_id: string;
  run_id: string;
  agent_status: 'completed' | 'requires_human_input' | 'error';
  generated_code: string | null;
  explanation: string | null;
  human_input_request: HumanInputRequest | null;
  request_params: { project_directory?: string } & Record<string, unknown>;
  model_used: string | null;
  error_details: { code: string; message: string; status?: number } | null;
  files_written: string[];
}

/** POST /v1/agents/code/invoke's body (the fields the extension sends). */
export interface InvokeRequest {
  instruction: string;
  project_directory?: string;
  thread_id?: string;
  context?: string;
  language?: string;
  model_quality?: ModelQuality;
  require_approval?: ('write_file' | 'read_file' | 'list_files')[];
}

/** A message of GET /v1/agents/threads/{id}: OpenAI's shape. */
export interface ThreadMessage {
  role: string;
  content: string | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

/** GET /v1/agents/threads/{id} (the fields the extension reads). */
export interface ThreadView {
  thread_id: string;
  status: string;
  messages: ThreadMessage[];
  files_written: string[];
  human_input_request: HumanInputRequest | null;
}

/** One run event as /v1/ws sends it (docs/EVENTS.md). */
export interface RunEvent {
  run_id: string;
  thread_id?: string;
  seq: number;
  type: string;
  ts: number;
  node?: string;
  data: Record<string, unknown>;
}
