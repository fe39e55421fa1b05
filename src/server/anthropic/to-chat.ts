// An Anthropic Messages request → the OpenAI chat body every chat door runs (then parsed like a chat request).
import type { z } from 'zod';
import type { ModelQuality } from '../../config/schema.js';
import { badRequest } from '../../errors.js';
import type { ChatMessage, ContentPart, ToolCall } from '../../providers/types.js';
import { type ParsedChat, parseChatBody } from '../chat-body.js';
import { MAX_JSON_DEPTH, tooDeepAt } from '../json-depth.js';
import type { AnthropicBlock, AnthropicMessage, AnthropicToolChoice, MessagesBody } from './schema.js';

/** OpenAI-compatible upstreams take at most 4 stop sequences; the door itself watches for all of them. */
const UPSTREAM_STOPS = 4;

/** Switchboard's own request fields, accepted on this door as in chat. */
const SWITCHBOARD_FIELDS = ['model_quality', 'provider', 'models', 'ensemble'] as const;

/**
 * Validates `body` with `schema`; a bad one throws a 400 whose message starts with the field's path, Anthropic's way
 * (`messages.0.content.1.type: ...`).
 */
export function parseAnthropicBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object', null, 'invalid_body');
  }
  // As on chat: a tool's input or schema nested without end would cost every later step (and the stack) dearly.
  const deep = tooDeepAt(body);
  if (deep !== undefined) {
    const path = deepField(deep).join('.');
    throw badRequest(`${path}: nested more than ${MAX_JSON_DEPTH} levels deep`, path, 'nesting_too_deep');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = deepest(result.error.issues[0]!, []);
  const path = issue.path.join('.');
  // Anthropic's words for a missing field; zod's are "Invalid input: expected number, received undefined".
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))
    throw badRequest(`${path}: Field required`, path);
  throw badRequest(path ? `${path}: ${issue.message}` : issue.message, path || null);
}

/** The field a too-deep path is in: down to a tool's `input` or a schema when it goes through one. */
function deepField(path: Array<string | number>): Array<string | number> {
  const at = path.findIndex((part) => part === 'input' || part === 'input_schema' || part === 'schema');
  return path.slice(0, at >= 0 ? at + 1 : 4);
}

type Issue = z.core.$ZodIssue;

/**
 * The issue to report: for a union none of whose branches matched (a content that is neither a string nor valid
 * blocks), the deepest issue of its branches, which names the field that is wrong, with its full path.
 */
function deepest(issue: Issue, prefix: PropertyKey[]): { path: PropertyKey[]; message: string; code: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { ...issue, path };
  let best: ReturnType<typeof deepest> | undefined;
  for (const branch of issue.errors) {
    const found = branch[0] === undefined ? undefined : deepest(branch[0], path);
    if (found !== undefined && (best === undefined || found.path.length > best.path.length)) best = found;
  }
  return best ?? { ...issue, path };
}

/** The parsed chat request for an Anthropic body (aliases apply later, in runChat, as for every door). */
export function toParsedChat(body: MessagesBody, defaultMode: ModelQuality): ParsedChat {
  const chat: Record<string, unknown> = {
    model: body.model,
    messages: [...systemMessages(body.system), ...body.messages.flatMap(toChatMessages)],
    max_tokens: body.max_tokens,
  };
  // The door reads usage from the stream's last chunk for message_delta.
  if (body.stream === true) Object.assign(chat, { stream: true, stream_options: { include_usage: true } });
  if (body.temperature !== undefined) chat['temperature'] = body.temperature;
  if (body.top_p !== undefined) chat['top_p'] = body.top_p;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0)
    chat['stop'] = body.stop_sequences.slice(0, UPSTREAM_STOPS);
  if (body.tools !== undefined && body.tools.length > 0) {
    chat['tools'] = body.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.input_schema,
      },
    }));
    if (body.tool_choice !== undefined) Object.assign(chat, toolChoice(body.tool_choice));
  }
  const format = body.output_config?.format;
  if (format) chat['response_format'] = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
  for (const field of SWITCHBOARD_FIELDS) if (body[field] !== undefined) chat[field] = body[field];
  return parseChatBody(chat, defaultMode);
}

function systemMessages(system: MessagesBody['system']): ChatMessage[] {
  if (system === undefined) return [];
  const text = typeof system === 'string' ? system : system.map((block) => block.text).join('\n\n');
  return text === '' ? [] : [{ role: 'system', content: text }];
}

/** One Anthropic turn as OpenAI messages: a user turn's tool results become tool messages, first, as Anthropic orders them. */
function toChatMessages(message: AnthropicMessage): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  return message.role === 'user' ? userMessages(message.content) : assistantMessages(message.content);
}

function userMessages(blocks: AnthropicBlock[]): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push(imagePart(block));
    else if (block.type === 'tool_result') {
      const { text, images } = toolResult(block);
      tools.push({ role: 'tool', tool_call_id: block.tool_use_id, content: text });
      // A tool message carries text only: the images a tool returned follow in a user turn.
      parts.push(...images);
    }
    // tool_use and thinking blocks have no meaning in a user turn, and are dropped.
  }
  if (parts.length === 0) return tools;
  const onlyText = parts.every((part) => part.type === 'text');
  const content = onlyText ? parts.map((part) => part.text).join('\n\n') : parts;
  return [...tools, { role: 'user', content }];
}

function assistantMessages(blocks: AnthropicBlock[]): ChatMessage[] {
  const text: string[] = [];
  const calls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text') text.push(block.text);
    else if (block.type === 'tool_use') {
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: inputText(block.input) } });
    }
    // Thinking blocks are dropped: no other model can read them (docs/ANTHROPIC.md).
  }
  if (text.length === 0 && calls.length === 0) return [];
  const message: ChatMessage = { role: 'assistant', content: text.length === 0 ? null : text.join('') };
  if (calls.length > 0) message.tool_calls = calls;
  return [message];
}

function imagePart(block: Extract<AnthropicBlock, { type: 'image' }>): ContentPart {
  const { source } = block;
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

/** A tool result's text (an error marked as one, since OpenAI's tool messages have no is_error) and its images. */
function toolResult(block: Extract<AnthropicBlock, { type: 'tool_result' }>): { text: string; images: ContentPart[] } {
  const content = block.content ?? '';
  const blocks = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content;
  const text = blocks.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
  const images = blocks.flatMap((b) => (b.type === 'image' ? [imagePart(b)] : []));
  return { text: block.is_error === true ? `Error: ${text}` : text, images };
}

function inputText(input: unknown): string {
  return JSON.stringify(input === undefined || input === null ? {} : input);
}

function toolChoice(choice: AnthropicToolChoice): Record<string, unknown> {
  const parallel = 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true;
  const fields: Record<string, unknown> = parallel ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { ...fields, tool_choice: 'auto' };
    case 'any':
      return { ...fields, tool_choice: 'required' };
    case 'tool':
      return { ...fields, tool_choice: { type: 'function', function: { name: choice.name } } };
    case 'none':
      return { tool_choice: 'none' };
  }
}
