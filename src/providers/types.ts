// The OpenAI chat shapes Switchboard speaks to clients, and the adapter interface every wire protocol implements.
import type { ContentFrame } from './content-frame.js';
import type { HttpClient, Timeouts } from './http.js';
import type { RunSignal } from './run-signal.js';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean | null; description?: string };
    };

/** An OpenAI chat completion request, as the gateway forwards it (Switchboard's own fields already removed). */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[] | null;
  response_format?: ResponseFormat;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  n?: number;
  seed?: number;
  user?: string;
  presence_penalty?: number;
  frequency_penalty?: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: ToolCall[];
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: AssistantMessage; finish_reason: FinishReason; logprobs: null }>;
  usage?: Usage;
  system_fingerprint?: string | null;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[];
}

/**
 * The key of a chunk's wire text: the JSON the chunk is sent as, kept so that relaying a stream need not serialise
 * what it did not change. The OpenAI adapter sets it to the upstream's own `data:` text when the chunk's fields are
 * exactly what the gateway would have written (fields the gateway does not model, such as a provider's extras, are
 * then passed on as the upstream sent them); the request graph splices the public model id into it. Whoever changes
 * a chunk that has it must change it alike or delete it (a symbol key: JSON.stringify and structuredClone skip it).
 */
export const WIRE: unique symbol = Symbol('wire');

/**
 * The key of the frame a chunk's wire text was read in, when the stream's reader took it by its frame (FramedChunks):
 * `WIRE` is then exactly the frame's head, the first choice's content as it is, and the frame's tail, so that the
 * relay can rewrite it by the frame alone, without reading the text again. Whoever changes `WIRE` or that content
 * sets it to undefined (or deletes `WIRE`).
 */
export const FRAME: unique symbol = Symbol('frame');

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: ChunkDelta; finish_reason: FinishReason | null; logprobs?: null }>;
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [WIRE]?: string | undefined;
  [FRAME]?: ContentFrame | undefined;
}

/** What one upstream call needs besides the request: where, with which key, and when to give up. */
export interface CallContext {
  baseUrl: string;
  apiKey: string;
  /** The model id as the provider knows it (without Switchboard's `provider/` prefix). */
  model: string;
  signal: RunSignal;
  timeouts: Timeouts;
  /** The connection pool to use (the provider's id), so that one provider never waits for another's sockets. */
  pool?: string;
  /** Extra headers the provider's catalog entry asks for (OpenRouter's `HTTP-Referer`, say). */
  headers?: Record<string, string>;
  /** The provider's name for the output-token limit (openai protocol only); see the catalog's `maxTokensField`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /**
   * Called once per upstream HTTP answer of a chat or stream call (any status), with its headers, before the body
   * is read: how the accounts layer reads each provider's quota headers (`readRateLimits`) on calls that succeed.
   * Must not throw (a throw is ignored); unset, it costs nothing.
   */
  onHeaders?: (headers: Record<string, string | string[] | undefined>) => void;
}

/** A provider wire protocol. Every failure it throws is a `ProviderError`. */
export interface ProviderAdapter {
  /** Its name in `PROTOCOLS` (protocols.ts). */
  readonly protocol: string;
  /** One completion, in OpenAI's shape; `model` in the result is the upstream model id. */
  chat(request: ChatRequest, ctx: CallContext): Promise<ChatCompletion>;
  /** A stream of OpenAI-shaped chunks; the last one carries `usage` when the upstream reports it. */
  stream(request: ChatRequest, ctx: CallContext): AsyncIterable<ChatCompletionChunk>;
  /** The provider's model ids, for discovery and key checks. */
  listModels(ctx: Omit<CallContext, 'model'>): Promise<string[]>;
  /** The provider's model listing with what it says of each model (discovery). */
  discoverModels(ctx: Omit<CallContext, 'model'>): Promise<ListedModel[]>;
}

/** One model of a provider's listing, with what the listing says of it; an absent field: the listing is silent. */
export interface ListedModel {
  id: string;
  /** What it serves: `other` (Gemini's AQA, an image model) is neither chat nor embeddings. */
  kind?: 'chat' | 'embeddings' | 'other';
  contextLength?: number;
  maxOutputTokens?: number;
  /** Takes tools (OpenRouter's `supported_parameters`). */
  tools?: boolean;
  /** Takes image input. */
  vision?: boolean;
  /** Costs nothing (a zero price, or OpenRouter's `:free`); false: the listing gives a price above zero. */
  free?: boolean;
  /** The listed price, USD per million tokens, where the listing gives one. */
  pricePer1M?: { input: number; output: number };
  /** The day (YYYY-MM-DD) the provider shuts it down, where the listing says. */
  shutdownAt?: string;
}

export interface AdapterDeps {
  http: HttpClient;
  /** Injected clock (ms since epoch), for `created` fields. */
  now?: () => number;
}
