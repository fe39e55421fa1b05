// Validates a chat completions body with zod and splits it into the OpenAI request and Switchboard's routing fields.
import { z } from 'zod';
import type { Ensemble } from '../config/routing-schema.js';
import type { ModelQuality } from '../config/schema.js';
import { ChatBodySchema } from './chat-body-schema.js';
import { formatPath } from '../config/load.js';
import { badRequest } from '../errors.js';
import { fieldOf, MAX_JSON_DEPTH, tooDeepAt } from './json-depth.js';
import type { ChatMessage, ChatRequest } from '../providers/types.js';
import type { RouteOptions } from '../routing/plan.js';

/**
 * The schema compiled by zod into one generated function (several times faster than its interpreter on the bodies
 * clients send): a body it accepts is parsed there; any other is parsed again by the schema itself, so a bad body gets
 * the schema's own first issue.
 */
const ChatBody = z.compile(ChatBodySchema);

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
  const result = ChatBody.safeParse(body);
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
