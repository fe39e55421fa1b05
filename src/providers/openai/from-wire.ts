// Upstream OpenAI-compatible JSON → Switchboard's ChatCompletion, normalized to OpenAI's schema (provider extras
// dropped).
import { ProviderError } from '../errors.js';
import type { AssistantMessage, ChatCompletion, FinishReason, ToolCall, Usage } from '../types.js';
import { errorFromBody } from './errors.js';

/** What to use when the upstream leaves out an id, a model or a timestamp. */
export interface WireDefaults {
  id: string;
  model: string;
  /** Seconds since the epoch. */
  created: number;
}

const KNOWN_FINISH: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/** Other names providers give the same endings (vLLM/TGI, Anthropic and Gemini through compatibility layers). */
const FINISH_ALIASES: Readonly<Record<string, FinishReason>> = {
  eos: 'stop',
  eos_token: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_length: 'length',
  max_length: 'length',
  tool_use: 'tool_calls',
  tool_call: 'tool_calls',
  function_calls: 'tool_calls',
  safety: 'content_filter',
  recitation: 'content_filter',
  content_filtered: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
};

/**
 * A finish reason OpenAI's schema knows. Unknown or missing ones become `tool_calls` when the answer called
 * tools and `stop` otherwise; known ones are kept, since OpenAI itself says `stop` after a forced tool call.
 */
export function normalizeFinishReason(raw: unknown, hasToolCalls: boolean): FinishReason {
  if (typeof raw === 'string') {
    const lower = raw.toLowerCase();
    if (KNOWN_FINISH.has(lower)) return lower as FinishReason;
    const alias = FINISH_ALIASES[lower];
    if (alias !== undefined) return alias;
  }
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** The three token counts, or undefined when the upstream gave none; `total_tokens` is computed when missing. */
export function normalizeUsage(raw: unknown): Usage | undefined {
  const usage = asRecord(raw);
  if (!usage) return undefined;
  const prompt = count(usage['prompt_tokens']);
  const completion = count(usage['completion_tokens']);
  if (prompt === undefined && completion === undefined) return undefined;
  const total = count(usage['total_tokens']) ?? (prompt ?? 0) + (completion ?? 0);
  return { prompt_tokens: prompt ?? 0, completion_tokens: completion ?? 0, total_tokens: total };
}

/** Arguments are a JSON string in OpenAI's wire; a few servers send the object itself. */
export function argumentsText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (raw === undefined || raw === null) return undefined;
  return JSON.stringify(raw);
}

/** Text of a message content that some servers send as an array of parts (Mistral's reasoning models, say). */
export function contentText(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (!Array.isArray(raw)) return null;
  const texts = raw.map((part) => asRecord(part)).filter((part) => part?.['type'] === 'text');
  return texts.length === 0 ? null : texts.map((part) => String(part?.['text'] ?? '')).join('');
}

/**
 * A complete upstream answer as an OpenAI chat.completion: `content` and `refusal` always present, `logprobs: null`,
 * known finish reasons, usage reduced to its three counts, and provider extras (x_groq, service_tier, ...) dropped.
 * Throws a ProviderError when the body is an error object or carries no choices.
 */
export function fromOpenAICompletion(body: unknown, defaults: WireDefaults): ChatCompletion {
  const record = asRecord(body);
  if (!record) throw new ProviderError('upstream answer is not a JSON object', { kind: 'server', status: 200 });
  if (record['error'] !== undefined && record['error'] !== null) throw errorFromBody(record);
  const rawChoices = Array.isArray(record['choices']) ? record['choices'] : [];
  if (rawChoices.length === 0)
    throw new ProviderError('upstream answer has no choices', { kind: 'server', status: 200 });
  const choices = rawChoices.map((raw, position) => {
    const choice = asRecord(raw) ?? {};
    const message = messageFromWire(asRecord(choice['message']) ?? {});
    const finish = normalizeFinishReason(choice['finish_reason'], (message.tool_calls?.length ?? 0) > 0);
    return { index: integer(choice['index']) ?? position, message, finish_reason: finish, logprobs: null };
  });
  const { id, created, model } = header(record, defaults);
  const completion: ChatCompletion = { id, created, model, object: 'chat.completion', choices };
  const usage = normalizeUsage(record['usage']);
  if (usage) completion.usage = usage;
  if (typeof record['system_fingerprint'] === 'string') completion.system_fingerprint = record['system_fingerprint'];
  return completion;
}

/** id, created and model of a body or chunk, with defaults for what is missing or malformed. */
export function header(
  record: Record<string, unknown>,
  defaults: WireDefaults,
): { id: string; created: number; model: string } {
  const id = typeof record['id'] === 'string' && record['id'] !== '' ? record['id'] : defaults.id;
  const created =
    typeof record['created'] === 'number' && record['created'] >= 0 ? Math.floor(record['created']) : defaults.created;
  const model = typeof record['model'] === 'string' && record['model'] !== '' ? record['model'] : defaults.model;
  return { id, created, model };
}

function messageFromWire(message: Record<string, unknown>): AssistantMessage {
  const out: AssistantMessage = {
    role: 'assistant',
    content: contentText(message['content']),
    refusal: typeof message['refusal'] === 'string' ? message['refusal'] : null,
  };
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
  const toolCalls = calls.map(toolCallFromWire).filter((call): call is ToolCall => call !== undefined);
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  return out;
}

function toolCallFromWire(raw: unknown, position: number): ToolCall | undefined {
  const call = asRecord(raw);
  const fn = asRecord(call?.['function']);
  if (!call || !fn || typeof fn['name'] !== 'string') return undefined;
  const id = typeof call['id'] === 'string' && call['id'] !== '' ? call['id'] : `call_${position}`;
  return { id, type: 'function', function: { name: fn['name'], arguments: argumentsText(fn['arguments']) ?? '{}' } };
}

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A non-negative integer, or undefined. */
export function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}
