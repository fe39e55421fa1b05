// Anthropic Messages response → OpenAI ChatCompletion; also the stop-reason and usage mappings streams share.
import { ProviderError } from '../errors.js';
import type { ChatCompletion, FinishReason, ToolCall, Usage } from '../types.js';

/** Anthropic's token counts; cache reads and writes are input tokens too, reported apart. */
export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * A response content block: `text` ({text}) and `tool_use` ({id, name, input}) carry over; thinking and
 * server-tool blocks are dropped.
 */
export interface AnthropicResponseBlock {
  type: string;
  [key: string]: unknown;
}

/** A Messages API response body. */
export interface AnthropicResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
}

/** What the conversion needs besides the body: the clock for `created`, and the model asked for. */
export interface FromWireOptions {
  now: () => number;
  model: string;
}

/** The ChatCompletion for a Messages response. Throws a `server` ProviderError when the body is not a message. */
export function fromAnthropicResponse(body: unknown, options: FromWireOptions): ChatCompletion {
  if (!isMessage(body)) {
    throw new ProviderError('upstream answered with something that is not an Anthropic message', {
      kind: 'server',
      status: 200,
    });
  }
  const text = body.content.filter(isTextBlock).map((block) => block.text);
  const toolCalls: ToolCall[] = body.content.filter(isToolUseBlock).map((block) => ({
    id: block.id,
    type: 'function',
    function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
  }));
  const completion: ChatCompletion = {
    id: body.id,
    object: 'chat.completion',
    created: Math.floor(options.now() / 1000),
    model: body.model || options.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text.length > 0 ? text.join('') : null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason(body.stop_reason),
        logprobs: null,
      },
    ],
  };
  if (body.usage) completion.usage = toUsage(body.usage);
  return completion;
}

/** Anthropic's stop_reason as OpenAI's finish_reason (an unknown or missing one reads as `stop`). */
export function finishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop'; // end_turn, stop_sequence, pause_turn
  }
}

/** OpenAI usage from Anthropic's: prompt tokens include cache reads and cache writes. */
export function toUsage(usage: AnthropicUsage): Usage {
  const prompt =
    (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function isMessage(body: unknown): body is AnthropicResponse {
  if (typeof body !== 'object' || body === null) return false;
  const record = body as Record<string, unknown>;
  return typeof record['id'] === 'string' && Array.isArray(record['content']);
}

function isTextBlock(block: AnthropicResponseBlock): block is { type: 'text'; text: string } {
  return block.type === 'text' && typeof block['text'] === 'string';
}

function isToolUseBlock(
  block: AnthropicResponseBlock,
): block is { type: 'tool_use'; id: string; name: string; input: unknown } {
  return block.type === 'tool_use' && typeof block['id'] === 'string' && typeof block['name'] === 'string';
}
