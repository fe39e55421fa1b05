// ChatRequest → the JSON body an OpenAI-compatible `/chat/completions` endpoint receives (a whitelist, nothing unknown
// passes).
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../types.js';

/** The request body sent upstream: only fields of OpenAI's chat API, with no `undefined` values. */
export type OpenAIWireRequest = Record<string, unknown> & { model: string; messages: Record<string, unknown>[] };

export interface ToWireOptions {
  /** Ask for a stream, with the usage chunk the gateway needs for accounting. */
  stream?: boolean;
  /** `max_completion_tokens`: send the limit under that name only (OpenAI's own API). Default `max_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

/** Scalar fields forwarded as they are when the client set them. */
const PASSTHROUGH = [
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'stop',
  'n',
  'seed',
  'user',
  'presence_penalty',
  'frequency_penalty',
] as const satisfies readonly (keyof ChatRequest)[];

/**
 * The upstream body for `request`, addressed to `model` (the provider's own model id).
 * By default `max_tokens` is sent when a limit was given, because most OpenAI-compatible servers know only that one,
 * and `max_completion_tokens` is kept as well when the client used it. A provider that wants `max_completion_tokens`
 * (OpenAI's reasoning models reject `max_tokens`) gets the limit under that name only.
 */
export function toOpenAIRequest(request: ChatRequest, model: string, options: ToWireOptions = {}): OpenAIWireRequest {
  const body: OpenAIWireRequest = { model, messages: request.messages.map(messageToWire) };
  if (request.tools !== undefined) body['tools'] = request.tools.map(toolToWire);
  if (request.tool_choice !== undefined) body['tool_choice'] = toolChoiceToWire(request.tool_choice);
  for (const key of PASSTHROUGH) {
    if (request[key] !== undefined) body[key] = request[key];
  }
  if (options.maxTokensField === 'max_completion_tokens') {
    const limit = request.max_completion_tokens ?? request.max_tokens;
    if (limit !== undefined) body['max_completion_tokens'] = limit;
  } else {
    const maxTokens = request.max_tokens ?? request.max_completion_tokens;
    if (maxTokens !== undefined) body['max_tokens'] = maxTokens;
    if (request.max_completion_tokens !== undefined) body['max_completion_tokens'] = request.max_completion_tokens;
  }
  if (request.response_format !== undefined) body['response_format'] = responseFormatToWire(request.response_format);
  if (options.stream) {
    body['stream'] = true;
    body['stream_options'] = { include_usage: true };
  }
  return body;
}

function messageToWire(message: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: message.role };
  if (message.content !== undefined) {
    out['content'] = Array.isArray(message.content) ? message.content.map(partToWire) : message.content;
  }
  if (message.name !== undefined) out['name'] = message.name;
  if (message.tool_calls !== undefined) out['tool_calls'] = message.tool_calls.map(toolCallToWire);
  if (message.tool_call_id !== undefined) out['tool_call_id'] = message.tool_call_id;
  // A null refusal says nothing, and several compatible servers reject the field outright.
  if (typeof message.refusal === 'string') out['refusal'] = message.refusal;
  return out;
}

function partToWire(part: ContentPart): Record<string, unknown> {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const image: Record<string, unknown> = { url: part.image_url.url };
  if (part.image_url.detail !== undefined) image['detail'] = part.image_url.detail;
  return { type: 'image_url', image_url: image };
}

function toolCallToWire(call: ToolCall): ToolCall {
  return { id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } };
}

function toolToWire(tool: ToolDefinition): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.function.name };
  if (tool.function.description !== undefined) fn['description'] = tool.function.description;
  if (tool.function.parameters !== undefined) fn['parameters'] = tool.function.parameters;
  if (tool.function.strict !== undefined && tool.function.strict !== null) fn['strict'] = tool.function.strict;
  return { type: 'function', function: fn };
}

function toolChoiceToWire(choice: ToolChoice): ToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.function.name } };
}

function responseFormatToWire(format: ResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict, description } = format.json_schema;
  const spec: Record<string, unknown> = { name };
  if (description !== undefined) spec['description'] = description;
  if (schema !== undefined) spec['schema'] = schema;
  if (strict !== undefined && strict !== null) spec['strict'] = strict;
  return { type: 'json_schema', json_schema: spec };
}
