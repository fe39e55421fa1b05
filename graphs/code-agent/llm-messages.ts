// Pure conversions between LangChain's messages and tools and the OpenAI chat shapes the request graph speaks.
import { AIMessage, type BaseMessage, type MessageContent } from '@langchain/core/messages';
import type { InvalidToolCall, ToolCall as LcToolCall } from '@langchain/core/messages/tool';
import type { BindToolsInput, ToolChoice as LcToolChoice } from '@langchain/core/language_models/chat_models';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import type {
  ChatCompletion,
  ChatMessage,
  ContentPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../src/providers/types.js';

/** LangChain message content as OpenAI content: a string stays a string, blocks become text and image parts. */
function toContent(content: MessageContent): string | ContentPart[] {
  if (typeof content === 'string') return content;
  const parts: ContentPart[] = [];
  for (const block of content) {
    if (typeof block === 'string') parts.push({ type: 'text', text: block });
    else if (block.type === 'text' && typeof block['text'] === 'string')
      parts.push({ type: 'text', text: block['text'] });
    else if (block.type === 'image_url') {
      const image = block['image_url'] as string | { url: string } | undefined;
      const url = typeof image === 'string' ? image : image?.url;
      if (url) parts.push({ type: 'image_url', image_url: { url } });
    }
  }
  return parts.every((part) => part.type === 'text')
    ? parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
    : parts;
}

/** Plain text of a message's content (image parts dropped). */
export function contentText(content: MessageContent): string {
  const converted = toContent(content);
  return typeof converted === 'string'
    ? converted
    : converted.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function toWireToolCall(call: LcToolCall, index: number): ToolCall {
  return {
    id: call.id ?? `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}

/** One LangChain message as an OpenAI chat message. */
function toChatMessage(message: BaseMessage): ChatMessage {
  const type = message.getType();
  switch (type) {
    case 'system':
      return { role: 'system', content: toContent(message.content) };
    case 'human':
      return { role: 'user', content: toContent(message.content) };
    case 'ai': {
      const calls = (message as AIMessage).tool_calls ?? [];
      const text = contentText(message.content);
      const converted: ChatMessage = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
      if (calls.length > 0) converted.tool_calls = calls.map(toWireToolCall);
      return converted;
    }
    case 'tool': {
      const { tool_call_id: id } = message as BaseMessage & { tool_call_id: string };
      return { role: 'tool', content: contentText(message.content), tool_call_id: id };
    }
    default:
      // Generic and function messages: a user turn keeps their text in front of the model.
      return { role: 'user', content: contentText(message.content) };
  }
}

/** The conversation in OpenAI's shape. */
export function toChatMessages(messages: BaseMessage[]): ChatMessage[] {
  return messages.map(toChatMessage);
}

/** Bound tools (LangChain tools or OpenAI tool definitions) as OpenAI tool definitions. */
export function toToolDefinitions(tools: BindToolsInput[]): ToolDefinition[] {
  return tools.map((tool) => {
    const converted = convertToOpenAITool(tool);
    const { name, description, parameters } = converted.function;
    const definition: ToolDefinition = { type: 'function', function: { name } };
    if (description) definition.function.description = description;
    if (parameters) definition.function.parameters = parameters as Record<string, unknown>;
    return definition;
  });
}

/**
 * LangChain's tool_choice ("auto" | "any" | "none" | "required" | a tool name | an OpenAI object) in OpenAI's shape.
 */
export function toToolChoice(choice: LcToolChoice | undefined): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'any' || choice === 'required') return 'required';
  if (choice === 'auto' || choice === 'none') return choice;
  if (typeof choice === 'string') return { type: 'function', function: { name: choice } };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  return typeof name === 'string' ? { type: 'function', function: { name } } : undefined;
}

/**
 * A completion as an AIMessage: text, tool calls with parsed arguments (arguments that are not a JSON object become
 * invalid_tool_calls), token usage, and the model that answered (`response_metadata.model_name`).
 */
export function fromCompletion(completion: ChatCompletion, modelRef: string): AIMessage {
  const choice = completion.choices[0];
  const toolCalls: LcToolCall[] = [];
  const invalid: InvalidToolCall[] = [];
  for (const call of choice?.message.tool_calls ?? []) {
    const args = parseArguments(call.function.arguments);
    if (args === undefined) {
      invalid.push({
        type: 'invalid_tool_call',
        id: call.id,
        name: call.function.name,
        args: call.function.arguments,
        error: 'arguments are not a JSON object',
      });
    } else toolCalls.push({ type: 'tool_call', id: call.id, name: call.function.name, args });
  }
  const usage = completion.usage;
  return new AIMessage({
    content: choice?.message.content ?? '',
    tool_calls: toolCalls,
    invalid_tool_calls: invalid,
    ...(usage
      ? {
          usage_metadata: {
            input_tokens: usage.prompt_tokens,
            output_tokens: usage.completion_tokens,
            total_tokens: usage.total_tokens,
          },
        }
      : {}),
    response_metadata: { model_name: modelRef, finish_reason: choice?.finish_reason ?? null },
  });
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
