// Anthropic Messages SSE stream → OpenAI ChatCompletionChunks (role, content and tool-call deltas, finish, usage).
import { ProviderError } from '../errors.js';
import { readSse } from '../sse.js';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../types.js';
import { anthropicError } from './errors.js';
import { finishReason, toUsage, type AnthropicUsage, type FromWireOptions } from './from-wire.js';

/** One decoded stream event's data; every Anthropic event carries its own `type`. */
interface StreamEvent {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: AnthropicUsage };
  content_block?: { type?: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

/** What the conversion remembers between events. */
interface StreamState {
  id: string;
  model: string;
  created: number;
  usage: AnthropicUsage;
  /** Anthropic block index → OpenAI tool call index (0.. in order of appearance). */
  toolIndex: Map<number, number>;
  /** OpenAI tool call indexes that got at least one arguments fragment. */
  withArguments: Set<number>;
  finish: FinishReason | undefined;
}

/**
 * Converts a Messages stream body to OpenAI chunks: a role chunk, content and tool-call deltas, a chunk with
 * `finish_reason`, then a usage chunk with `choices: []`. An `error` event throws its ProviderError; a body
 * that ends before `message_stop` throws a `network` one, unless `message_delta` already gave a stop reason.
 */
export async function* fromAnthropicStream(
  body: AsyncIterable<Uint8Array>,
  options: FromWireOptions,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const state: StreamState = {
    id: '',
    model: options.model,
    created: Math.floor(options.now() / 1000),
    usage: {},
    toolIndex: new Map(),
    withArguments: new Set(),
    finish: undefined,
  };
  let stopped = false;
  for await (const sse of readSse(body)) {
    if (stopped || sse.data === '') continue; // keep draining after message_stop so the connection can be reused
    const event = parse(sse.data);
    const type = event.type ?? sse.event;
    if (type === 'error') throw anthropicError(event.error?.type, event.error?.message);
    if (type === 'message_stop') {
      stopped = true;
      yield usageChunk(state);
      continue;
    }
    yield* convert(type, event, state);
  }
  if (stopped) return;
  if (state.finish === undefined) {
    throw new ProviderError('upstream stream ended early', { kind: 'network', status: 0 });
  }
  // A message_delta with its stop reason came: the stream is complete but for the message_stop event.
  yield usageChunk(state);
}

function* convert(type: string | undefined, event: StreamEvent, state: StreamState): Generator<ChatCompletionChunk> {
  switch (type) {
    case 'message_start':
      state.id = event.message?.id ?? state.id;
      state.model = event.message?.model || state.model;
      state.usage = Object.assign({}, event.message?.usage);
      yield chunk(state, { role: 'assistant', content: '' });
      return;
    case 'content_block_start':
      yield* blockStart(event, state);
      return;
    case 'content_block_delta':
      yield* blockDelta(event, state);
      return;
    case 'content_block_stop': {
      // A tool that takes no arguments streams none; OpenAI clients expect parseable JSON text.
      const index = state.toolIndex.get(event.index ?? -1);
      if (index !== undefined && !state.withArguments.has(index)) {
        state.withArguments.add(index);
        yield chunk(state, { tool_calls: [{ index, function: { arguments: '{}' } }] });
      }
      return;
    }
    case 'message_delta':
      // Output tokens here are cumulative; newer API versions repeat the input counts too.
      state.usage = Object.assign({}, state.usage, definedOnly(event.usage));
      state.finish = finishReason(event.delta?.stop_reason);
      yield chunk(state, {}, state.finish);
      return;
    default:
      return; // ping, and event types this adapter does not know yet
  }
}

function* blockStart(event: StreamEvent, state: StreamState): Generator<ChatCompletionChunk> {
  const block = event.content_block;
  if (block?.type === 'text' && block.text) yield chunk(state, { content: block.text });
  if (block?.type !== 'tool_use') return;
  const index = state.toolIndex.size;
  state.toolIndex.set(event.index ?? -1, index);
  yield chunk(state, {
    tool_calls: [{ index, id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: '' } }],
  });
}

function* blockDelta(event: StreamEvent, state: StreamState): Generator<ChatCompletionChunk> {
  const delta = event.delta;
  if (delta?.type === 'text_delta' && delta.text) yield chunk(state, { content: delta.text });
  if (delta?.type !== 'input_json_delta' || !delta.partial_json) return;
  const index = state.toolIndex.get(event.index ?? -1);
  if (index === undefined) return;
  state.withArguments.add(index);
  yield chunk(state, { tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
}

function chunk(state: StreamState, delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
  return {
    id: state.id,
    object: 'chat.completion.chunk',
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function usageChunk(state: StreamState): ChatCompletionChunk {
  const usage: Usage = toUsage(state.usage);
  return {
    id: state.id,
    object: 'chat.completion.chunk',
    created: state.created,
    model: state.model,
    choices: [],
    usage,
  };
}

function definedOnly(usage: AnthropicUsage | undefined): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage ?? {}).filter(([, value]) => value !== undefined && value !== null));
}

function parse(data: string): StreamEvent {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null) return parsed as StreamEvent;
  } catch (err) {
    throw new ProviderError('upstream sent an unreadable stream event', { kind: 'server', status: 200, cause: err });
  }
  throw new ProviderError('upstream sent an unreadable stream event', { kind: 'server', status: 200 });
}
