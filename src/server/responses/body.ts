// Validates a POST /v1/responses body: its top-level fields with zod, the features Switchboard does not serve refused
// with a 400 naming the field (input items are checked where they are converted: input-items.ts).
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { parseBody } from '../body.js';
import { fieldOf, MAX_JSON_DEPTH, tooDeepAt } from '../json-depth.js';
import { formatPath } from '../../config/load.js';

const TextFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
    description: z.string().optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

const FunctionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string().min(1) }),
  z.object({
    type: z.literal('allowed_tools'),
    mode: z.enum(['auto', 'required']),
    tools: z.array(z.object({ type: z.literal('function'), name: z.string().min(1) })).min(1),
  }),
]);

/** Unknown fields (include, reasoning, prompt_cache_key, safety_identifier...) are accepted and not acted on. */
const ResponsesBodySchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: TextFormat.optional() }).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  max_tool_calls: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= 16, 'at most 16 keys')
    .nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  user: z.string().optional(),
  background: z.boolean().nullish(),
});

export type ResponsesBody = z.infer<typeof ResponsesBodySchema>;
export type FunctionToolParam = z.infer<typeof FunctionTool>;
export type ToolChoiceParam = z.infer<typeof ToolChoice>;

/** Fields of the real API that name features Switchboard does not serve: present and not null, they are a 400. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  conversation: 'the Conversations API is not supported; use previous_response_id',
  prompt: 'stored prompt templates are not supported',
  context_management: 'server-side context management is not supported',
};

/** The validated body, its function tools and its tool choice; anything it cannot serve throws a 400 naming the field. */
export function parseResponsesBody(body: unknown): {
  body: ResponsesBody;
  tools: FunctionToolParam[];
  toolChoice: ToolChoiceParam | undefined;
} {
  const deep = tooDeepAt(body);
  if (deep !== undefined) {
    const param = formatPath(fieldOf(deep));
    throw badRequest(`'${param}' is nested more than ${MAX_JSON_DEPTH} levels deep`, param, 'nesting_too_deep');
  }
  const parsed = parseBody(ResponsesBodySchema, body);
  for (const [field, why] of Object.entries(UNSUPPORTED_FIELDS)) {
    if (parsed[field] !== undefined && parsed[field] !== null) throw unsupported(field, why);
  }
  if (parsed.background === true) throw unsupported('background', 'background responses are not supported');
  if (parsed.input === undefined && !parsed.previous_response_id) {
    throw badRequest("Missing required parameter: 'input'", 'input', 'missing_required_parameter');
  }
  const tools = (parsed.tools ?? []).map((tool, i) => parseTool(tool, i));
  return { body: parsed, tools, toolChoice: parseToolChoice(parsed.tool_choice, tools) };
}

function parseTool(tool: unknown, i: number): FunctionToolParam {
  const type = (tool as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type !== 'function') {
    throw unsupported(`tools[${i}].type`, `the built-in tool '${type}' is not supported; only function tools are`);
  }
  return parseField(FunctionTool, tool, `tools[${i}]`);
}

function parseToolChoice(choice: unknown, tools: FunctionToolParam[]): ToolChoiceParam | undefined {
  if (choice === undefined || choice === null) return undefined;
  const type = (choice as { type?: unknown }).type;
  if (typeof type === 'string' && !['function', 'allowed_tools'].includes(type)) {
    throw unsupported('tool_choice', `the built-in tool '${type}' is not supported; only function tools are`);
  }
  const parsed = parseField(ToolChoice, choice, 'tool_choice');
  const names =
    typeof parsed === 'string' ? [] : parsed.type === 'function' ? [parsed.name] : parsed.tools.map((t) => t.name);
  const unknown = names.find((name) => !tools.some((tool) => tool.name === name));
  if (unknown !== undefined) throw badRequest(`Tool choice '${unknown}' is not one of the tools`, 'tool_choice');
  return parsed;
}

/** `value` parsed by `schema`, its first issue a 400 whose param is under `at`. */
function parseField<T extends z.ZodType>(schema: T, value: unknown, at: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const sub = formatPath(issue.path);
  const param = sub === '' ? at : sub.startsWith('[') ? `${at}${sub}` : `${at}.${sub}`;
  throw badRequest(`Invalid value for '${param}': ${issue.message}`, param);
}

/** A 400 for a feature Switchboard does not serve, naming the field. */
export function unsupported(param: string, why: string) {
  return badRequest(`Unsupported parameter '${param}': ${why}`, param, 'unsupported_parameter');
}
