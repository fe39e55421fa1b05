// The OpenAI Responses API shapes the /v1/responses door reads and writes (the parts of them Switchboard serves).

/** Text of an assistant message in a response's output. */
export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

/** An assistant's refusal, in place of its text. */
export interface OutputRefusal {
  type: 'refusal';
  refusal: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** An assistant message of a response's output. */
export interface MessageItem {
  id: string;
  type: 'message';
  role: 'assistant';
  status: ItemStatus;
  content: Array<OutputText | OutputRefusal>;
}

/** The model asked for a call of one of the client's functions. */
export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

export type OutputItem = MessageItem | FunctionCallItem;

/** The usage block of a response, with the details objects the spec requires. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** A function tool as a response echoes it. */
export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

/** A response object (`object: "response"`): what POST answers, GET returns, and the stream's events carry. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  completed_at: number | null;
  background: boolean;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: null;
  service_tier: 'default';
  store: boolean;
  temperature: number;
  text: { format: Record<string, unknown> };
  tool_choice: unknown;
  tools: FunctionTool[];
  top_p: number;
  truncation: 'auto' | 'disabled';
  /** Absent until the response has ended. */
  usage?: ResponseUsage;
  user?: string;
  metadata: Record<string, string>;
}

/**
 * An input item as the door keeps it for a later `previous_response_id`: the client's items after validation (message,
 * function_call, function_call_output), in the Responses shape.
 */
export type ConversationItem = Record<string, unknown> & { type: string };
