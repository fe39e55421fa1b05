// The zod schema of an Anthropic Messages request body (POST /v1/messages and /v1/messages/count_tokens).
import { z } from 'zod';

// Blocks are loose: fields a client may send that change nothing here (cache_control, citations, caller) pass.
const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

const ImageSource = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
]);
const ImageBlock = z.looseObject({ type: z.literal('image'), source: ImageSource });

const ToolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});

const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlock, ImageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});

// A client sends back the thinking of earlier turns; it is accepted and dropped (docs/ANTHROPIC.md).
const ThinkingBlock = z.looseObject({ type: z.enum(['thinking', 'redacted_thinking']) });

const BLOCK_TYPES = ['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'];

const Block = z.discriminatedUnion('type', [TextBlock, ImageBlock, ToolUseBlock, ToolResultBlock, ThinkingBlock], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `content block type must be one of ${BLOCK_TYPES.join(', ')} (others are not supported by this gateway)`
      : undefined,
});
export type AnthropicBlock = z.infer<typeof Block>;

const Message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(Block)]),
});
export type AnthropicMessage = z.infer<typeof Message>;

const Tool = z.looseObject({
  // Server tools (web search, code execution, bash...) have a versioned type; only client tools can run here.
  type: z
    .literal('custom', { error: 'only client tools (name, input_schema) are supported; server tools are not' })
    .optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
});

const disable_parallel_tool_use = z.boolean().optional();
const ToolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use }),
  z.looseObject({ type: z.literal('none') }),
]);
export type AnthropicToolChoice = z.infer<typeof ToolChoice>;

const System = z.union([z.string(), z.array(TextBlock)]);

/** The fields a token count reads: the prompt as the model would see it. */
const PromptFields = {
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  system: System.optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
};

/** POST /v1/messages/count_tokens; other fields (thinking, mcp_servers...) are accepted and do not count. */
export const CountTokensSchema = z.looseObject(PromptFields);
export type CountTokensBody = z.infer<typeof CountTokensSchema>;

/**
 * POST /v1/messages. Unknown fields are accepted and ignored (Claude Code sends beta fields); `thinking`, `top_k` and
 * `metadata` are accepted and not forwarded (docs/ANTHROPIC.md says why).
 */
export const MessagesSchema = z.looseObject({
  ...PromptFields,
  max_tokens: z.number().int().positive(),
  stop_sequences: z.array(z.string().min(1)).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  thinking: z.unknown().optional(),
  // Structured output: a JSON schema the answer must follow (`effort` is accepted and not forwarded).
  output_config: z
    .looseObject({
      format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
    })
    .optional(),
});
export type MessagesBody = z.infer<typeof MessagesSchema>;
