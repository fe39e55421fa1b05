// A chat completion → an Anthropic Message (the body of POST /v1/messages), and the pieces streams share: ids, stop
// reasons, usage, content blocks, in the shapes of @anthropic-ai/sdk's types.
import type { ChatCompletion, FinishReason, ToolCall } from '../../providers/types.js';
import { firstMatch } from './stop-scanner.js';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** Anthropic's usage object; what Switchboard cannot know (cache, server tools, region) is zero or null. */
export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  server_tool_use: null;
  service_tier: 'standard';
  inference_geo: null;
  output_tokens_details: null;
  speed: null;
}

export type MessageBlock =
  | { type: 'text'; text: string; citations: null }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; caller: { type: 'direct' } };

/** An Anthropic Message as POST /v1/messages answers it. */
export interface AnthropicMessageOut {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: MessageBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  diagnostics: null;
  usage: MessageUsage;
}

/** The message id for a run (`msg_` and the run's own id), the same whether streamed or not. */
export function messageId(runId: string): string {
  return `msg_${runId.replace(/^run_/, '').replace(/[^A-Za-z0-9]/g, '')}`;
}

/** OpenAI's finish_reason as Anthropic's stop_reason; `matched` says the door cut the text at a stop sequence. */
export function stopReason(finish: FinishReason | null | undefined, matched: string | undefined): StopReason {
  if (matched !== undefined) return 'stop_sequence';
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export function messageUsage(input: number, output: number): MessageUsage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: null,
    output_tokens_details: null,
    speed: null,
  };
}

/** A tool call's arguments as a tool_use block's `input` (an object; `{}` when the model wrote no valid JSON object). */
function toolInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args === '' ? '{}' : args);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toolUseBlock(call: ToolCall): MessageBlock {
  const { id, function: fn } = call;
  return { type: 'tool_use', id, name: fn.name, input: toolInput(fn.arguments), caller: { type: 'direct' } };
}

/** The Message for a whole completion; the text is cut at the first of `stopSequences` it holds. */
export function toAnthropicMessage(
  completion: ChatCompletion,
  id: string,
  stopSequences: readonly string[] = [],
): AnthropicMessageOut {
  const choice = completion.choices[0];
  let text = choice?.message.content ?? '';
  let calls = choice?.message.tool_calls ?? [];
  const found = firstMatch(text, stopSequences);
  if (found !== undefined) {
    text = text.slice(0, found.at);
    // The model would have stopped there: nothing it wrote after the stop sequence, tool calls included, counts.
    calls = [];
  }
  const content: MessageBlock[] = [
    ...(text === '' ? [] : [{ type: 'text' as const, text, citations: null }]),
    ...calls.map(toolUseBlock),
  ];
  const usage = completion.usage;
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: stopReason(choice?.finish_reason, found?.sequence),
    stop_sequence: found?.sequence ?? null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: messageUsage(usage?.prompt_tokens ?? 0, usage?.completion_tokens ?? 0),
  };
}
