// The chat completions body as zod reads it: OpenAI's fields and Switchboard's routing fields. chat-body.ts parses
// with a compiled copy of this schema; the schema itself is the reference that copy must agree with.
import { z } from 'zod';
import { EnsembleSchema } from '../config/routing-schema.js';
import { MODEL_QUALITIES } from '../config/schema.js';

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
export const ChatBodySchema = z.looseObject({
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
