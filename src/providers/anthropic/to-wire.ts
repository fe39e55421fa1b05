// OpenAI chat request → Anthropic Messages request body (POST /v1/messages).
import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../types.js';
import { systemText, toAnthropicMessages, type AnthropicMessage } from './to-wire-messages.js';

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The body of a Messages API request, as far as Switchboard fills it. */
export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  stream?: boolean;
}

/** Anthropic requires `max_tokens`; this is what a request that names none gets. */
const DEFAULT_MAX_TOKENS = 4096;

/**
 * The Messages request for an OpenAI chat request. `model` is the provider's own id. Fields Anthropic
 * has no counterpart for (n, seed, penalties, logprobs) are dropped; JSON modes become a system instruction.
 */
export function toAnthropicRequest(request: ChatRequest, model: string, stream: boolean): AnthropicRequest {
  const body: AnthropicRequest = {
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: toAnthropicMessages(request.messages),
  };
  const system = [systemText(request.messages), jsonInstruction(request.response_format)]
    .filter((s) => s !== '')
    .join('\n\n');
  if (system !== '') body.system = system;
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map(toTool);
    const choice = toToolChoice(request.tool_choice, request.parallel_tool_calls);
    if (choice) body.tool_choice = choice;
  }
  // OpenAI's temperature runs 0..2, Anthropic's 0..1.
  if (request.temperature !== undefined) body.temperature = Math.min(1, Math.max(0, request.temperature));
  if (request.top_p !== undefined) body.top_p = request.top_p;
  const stop = stopSequences(request.stop);
  if (stop.length > 0) body.stop_sequences = stop;
  if (request.user) body.metadata = { user_id: request.user };
  if (stream) body.stream = true;
  return body;
}

function toTool(tool: ToolDefinition): AnthropicTool {
  const out: AnthropicTool = {
    name: tool.function.name,
    // Anthropic requires an object schema even for a function that takes no arguments.
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
  if (tool.function.description) out.description = tool.function.description;
  return out;
}

/** OpenAI's tool_choice and parallel_tool_calls as one Anthropic tool_choice (undefined: Anthropic's default, auto). */
export function toToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): AnthropicToolChoice | undefined {
  if (choice === 'none') return { type: 'none' };
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'required') return { type: 'any', ...serial };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...serial };
  if (choice === 'auto' || parallel === false) return { type: 'auto', ...serial };
  return undefined;
}

function stopSequences(stop: ChatRequest['stop']): string[] {
  if (stop === undefined || stop === null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((s) => s !== '');
}

/** The Messages API has no JSON mode, so a JSON response format becomes an instruction in the system prompt. */
function jsonInstruction(format: ResponseFormat | undefined): string {
  if (!format || format.type === 'text') return '';
  const base =
    'Respond with a single valid JSON value and nothing else: no prose before or after it, no Markdown code fences.';
  if (format.type === 'json_object') return `${base} The value must be a JSON object.`;
  const { name, description, schema } = format.json_schema;
  const lines = [`${base} It must conform to the JSON Schema named "${name}" below.`];
  if (description) lines.push(`Schema description: ${description}`);
  if (schema) lines.push(JSON.stringify(schema, null, 2));
  return lines.join('\n');
}
