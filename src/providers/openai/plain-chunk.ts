// Whether an upstream stream chunk is already what the gateway would send, so that its own text can be relayed.
import { asRecord } from './from-wire.js';

const FINISH: ReadonlySet<unknown> = new Set([null, 'stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/**
 * True when normalising `record` (fromOpenAIChunk) changes none of the fields it reads: the chunk's id, created,
 * model, object, choices (index, finish reason, logprobs, delta role, content, refusal, tool calls) and fingerprint are
 * present and already in OpenAI's shape. Fields it does not read (a provider's extras) do not matter: they travel
 * with the text. `usage` is left to the relay, which rewrites it per client.
 */
export function isPlainChunk(record: Record<string, unknown>): boolean {
  const { id, created, model, choices } = record;
  if (record['object'] !== 'chat.completion.chunk' || typeof id !== 'string' || id === '') return false;
  if (typeof created !== 'number' || !Number.isInteger(created) || created < 0) return false;
  if (typeof model !== 'string' || model === '' || !Array.isArray(choices)) return false;
  const fingerprint = record['system_fingerprint'];
  if (fingerprint !== undefined && typeof fingerprint !== 'string') return false;
  for (const raw of choices) {
    const choice = asRecord(raw);
    if (choice === undefined || !isIndex(choice['index']) || !FINISH.has(choice['finish_reason'])) return false;
    if (choice['logprobs'] !== undefined && choice['logprobs'] !== null) return false;
    const delta = asRecord(choice['delta']);
    if (delta === undefined || !isPlainDelta(delta)) return false;
  }
  return true;
}

function isPlainDelta(delta: Record<string, unknown>): boolean {
  const { role, content, refusal, tool_calls: calls } = delta;
  if (role !== undefined && role !== 'assistant') return false;
  if (content !== undefined && content !== null && typeof content !== 'string') return false;
  if (refusal !== undefined && refusal !== null && typeof refusal !== 'string') return false;
  if (calls === undefined) return true;
  return Array.isArray(calls) && calls.length > 0 && calls.every(isPlainToolCall);
}

function isPlainToolCall(raw: unknown): boolean {
  const call = asRecord(raw);
  if (call === undefined || !isIndex(call['index'])) return false;
  const { id, type } = call;
  if (id !== undefined && (typeof id !== 'string' || id === '' || type !== 'function')) return false;
  if (type !== undefined && type !== 'function') return false;
  const fn = call['function'];
  if (fn === undefined) return true;
  const record = asRecord(fn);
  if (record === undefined) return false;
  const { name, arguments: args } = record;
  return (name === undefined || typeof name === 'string') && (args === undefined || typeof args === 'string');
}

function isIndex(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
