// Validates a chat completions body with zod and splits it into the OpenAI request and Switchboard's routing fields.
import { EnsembleSchema, type Ensemble } from '../config/routing-schema.js';
import { z } from 'zod';
import { MODEL_QUALITIES, type ModelQuality } from '../config/schema.js';
import { formatPath } from '../config/load.js';
import { badRequest } from '../errors.js';
import { fieldOf, MAX_JSON_DEPTH, tooDeepAt } from './json-depth.js';
import type { ChatMessage, ChatRequest } from '../providers/types.js';
import type { RouteOptions } from '../routing/plan.js';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const Content = z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPart, ImagePart]))]);
const ToolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
const name = z.string().optional();

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: Content, name }),
  z.object({ role: z.literal('developer'), content: Content, name }),
  z.object({ role: z.literal('user'), content: Content, name }),
  z.object({
    role: z.literal('assistant'),
    content: Content.nullish(),
    name,
    tool_calls: z.array(ToolCall).optional(),
    refusal: z.string().nullish(),
  }),
  z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string().min(1) }),
]);

const Tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

const ResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const penalty = z.number().min(-2).max(2).nullish();
const positiveInt = z.number().int().positive().nullish();

/** Unknown OpenAI fields (metadata, store, logprobs...) are accepted and not forwarded. */
const ChatBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  response_format: ResponseFormat.optional(),
  n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().optional(),
  presence_penalty: penalty,
  frequency_penalty: penalty,
  // Switchboard's own fields.
  provider: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).max(10).optional(),
  model_quality: z.enum(MODEL_QUALITIES).optional(),
  ensemble: EnsembleSchema.optional(),
});

/** The fields forwarded upstream; everything else in the body stays with the gateway. */
const FORWARDED = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'response_format',
  'seed',
  'user',
  'presence_penalty',
  'frequency_penalty',
  'stream_options',
] as const;

export interface ParsedChat {
  /** Several models on this request (select / synthesize / cascade). */
  ensemble?: Ensemble;
  request: ChatRequest;
  /** Switchboard's routing fields; the model the client named is `request.model`. */
  route: RouteOptions;
  stream: boolean;
}

/** Parses a body; a bad one throws a 400 whose `param` names the first bad field. */
export function parseChatBody(body: unknown, defaultMode: ModelQuality): ParsedChat {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object', null, 'invalid_body');
  }
  const deep = tooDeepAt(body);
  if (deep !== undefined) {
    const param = formatPath(fieldOf(deep));
    throw badRequest(`'${param}' is nested more than ${MAX_JSON_DEPTH} levels deep`, param, 'nesting_too_deep');
  }
  const result = ChatBodySchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = formatPath(issue.path);
    throw badRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param || null);
  }
  const data = result.data;
  const request: ChatRequest = { model: data.model, messages: data.messages as ChatMessage[] };
  for (const key of FORWARDED) {
    const value = data[key];
    if (value !== undefined && value !== null) (request as unknown as Record<string, unknown>)[key] = value;
  }
  const stream = data.stream === true;
  if (stream) request.stream = true;
  const maxTokens = data.max_completion_tokens ?? data.max_tokens ?? undefined;
  const route: RouteOptions = {
    mode: data.model_quality ?? defaultMode,
    modeExplicit: data.model_quality !== undefined,
  };
  if (data.models) route.models = data.models;
  if (data.provider) route.provider = data.provider;
  if (maxTokens !== undefined) route.maxTokens = maxTokens;
  return { request, route, stream, ...(data.ensemble === undefined ? {} : { ensemble: data.ensemble }) };
}
