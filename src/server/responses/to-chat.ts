// A Responses request → the chat request the request graph runs (a ParsedChat, through the chat door's own parser, so
// that Switchboard's fields and every limit are checked the same way).
import type { ModelQuality } from '../../config/schema.js';
import type { ChatMessage, ContentPart, ToolCall } from '../../providers/types.js';
import { parseChatBody, type ParsedChat } from '../chat-body.js';
import type { FunctionToolParam, ResponsesBody, ToolChoiceParam } from './body.js';
import type { ConversationItem } from './types.js';

/** Switchboard's own fields, passed to the chat parser as they came. */
const SWITCHBOARD_FIELDS = ['provider', 'models', 'model_quality', 'ensemble'] as const;

/** What the chat request is built from: the body, its tools, and the whole conversation (replayed + new input). */
export interface ChatSource {
  body: ResponsesBody;
  tools: FunctionToolParam[];
  toolChoice: ToolChoiceParam | undefined;
  conversation: ConversationItem[];
}

/** The chat request for a Responses request; the instructions go first as a system message. */
export function toParsedChat(source: ChatSource, defaultMode: ModelQuality): ParsedChat {
  const { body } = source;
  const messages = itemsToMessages(source.conversation);
  if (body.instructions) messages.unshift({ role: 'system', content: body.instructions });
  const chat: Record<string, unknown> = { model: body.model, messages };
  const { tools, toolChoice } = chatTools(source.tools, source.toolChoice);
  if (tools.length > 0) chat['tools'] = tools;
  if (toolChoice !== undefined) chat['tool_choice'] = toolChoice;
  if (body.parallel_tool_calls != null) chat['parallel_tool_calls'] = body.parallel_tool_calls;
  if (body.temperature != null) chat['temperature'] = body.temperature;
  if (body.top_p != null) chat['top_p'] = body.top_p;
  if (body.max_output_tokens != null) chat['max_tokens'] = body.max_output_tokens;
  if (body.user !== undefined) chat['user'] = body.user;
  const format = body.text?.format;
  if (format?.type === 'json_object') chat['response_format'] = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const { name, description, schema, strict } = format;
    chat['response_format'] = {
      type: 'json_schema',
      json_schema: { name, schema, ...(description === undefined ? {} : { description }), strict: strict ?? null },
    };
  }
  if (body.stream === true) {
    chat['stream'] = true;
    // The response's usage comes from the stream's last chunk.
    chat['stream_options'] = { include_usage: true };
  }
  for (const field of SWITCHBOARD_FIELDS) if (body[field] !== undefined) chat[field] = body[field];
  return parseChatBody(chat, defaultMode);
}

/** Function tools in the chat shape; `allowed_tools` keeps the tools it lists and becomes its mode. */
function chatTools(tools: FunctionToolParam[], choice: ToolChoiceParam | undefined) {
  let kept = tools;
  let toolChoice: unknown = choice;
  if (typeof choice === 'object' && choice.type === 'allowed_tools') {
    const allowed = new Set(choice.tools.map((t) => t.name));
    kept = tools.filter((tool) => allowed.has(tool.name));
    toolChoice = choice.mode;
  } else if (typeof choice === 'object') toolChoice = { type: 'function', function: { name: choice.name } };
  // Chat APIs refuse a tool choice without tools (`tool_choice: "auto"` alone is common in Responses clients).
  if (kept.length === 0) toolChoice = undefined;
  return {
    tools: kept.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description == null ? {} : { description: tool.description }),
        ...(tool.parameters == null ? {} : { parameters: tool.parameters }),
        ...(tool.strict == null ? {} : { strict: tool.strict }),
      },
    })),
    toolChoice,
  };
}

/**
 * Conversation items → chat messages. A function call joins the assistant turn before it (text and calls are one
 * chat message), or starts one; its output is a tool message.
 */
export function itemsToMessages(items: ConversationItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const item of items) {
    if (item.type === 'function_call') {
      const call: ToolCall = {
        id: String(item['call_id']),
        type: 'function',
        function: { name: String(item['name']), arguments: String(item['arguments']) },
      };
      const last = messages.at(-1);
      if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (item.type === 'function_call_output') {
      messages.push({ role: 'tool', tool_call_id: String(item['call_id']), content: String(item['output']) });
    } else if (item.type === 'message') {
      messages.push(messageOf(item));
    }
  }
  return messages;
}

function messageOf(item: ConversationItem): ChatMessage {
  const role = item['role'] as ChatMessage['role'];
  const content = item['content'];
  if (typeof content === 'string') return { role, content };
  const parts = (content as Array<Record<string, unknown>>).map(partOf);
  // Text alone is sent as one string: every provider takes that for every role.
  if (role === 'assistant' || parts.every((part) => part.type === 'text')) {
    return { role, content: parts.map((part) => (part.type === 'text' ? part.text : '')).join('') };
  }
  return { role, content: parts };
}

function partOf(part: Record<string, unknown>): ContentPart {
  if (part['type'] === 'input_image') {
    const detail = part['detail'] as 'low' | 'high' | undefined;
    return { type: 'image_url', image_url: { url: String(part['image_url']), ...(detail ? { detail } : {}) } };
  }
  return { type: 'text', text: String(part['text'] ?? part['refusal'] ?? '') };
}
