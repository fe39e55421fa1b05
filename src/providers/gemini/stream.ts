// Gemini streamGenerateContent?alt=sse body → OpenAI ChatCompletionChunks (role, text, tool calls, finish, usage).
import { ProviderError } from '../errors.js';
import { readSse } from '../sse.js';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../types.js';
import {
  asResponse,
  completionId,
  finishReason,
  noCandidates,
  readParts,
  toUsage,
  type FromWireOptions,
} from './from-wire.js';
import type { GeminiCandidate, GenerateContentResponse } from './wire-types.js';

/** Per OpenAI choice (Gemini candidate): tool calls numbered so far and whether it finished. */
interface ChoiceState {
  toolCalls: number;
  finished: boolean;
}

interface StreamState {
  id: string | undefined;
  created: number;
  model: string;
  usage: Usage | undefined;
  choices: Map<number, ChoiceState>;
}

/**
 * Converts a stream body to OpenAI chunks. Each Gemini event is a whole GenerateContentResponse holding the next
 * piece of text; function calls arrive complete, so each becomes one tool-call delta with its full arguments.
 * Per choice: a role chunk, content and tool-call deltas, a finish chunk when `finishReason` arrives; then one
 * usage chunk (`choices: []`) from the last `usageMetadata`. An `{error: ...}` event throws its ProviderError,
 * a blocked prompt throws `content_filter`, and a body that ends before every choice finished throws `network`.
 */
export async function* fromGeminiStream(
  body: AsyncIterable<Uint8Array>,
  options: FromWireOptions,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const state: StreamState = {
    id: undefined,
    created: Math.floor(options.now() / 1000),
    model: options.model,
    usage: undefined,
    choices: new Map(),
  };
  for await (const sse of readSse(body)) {
    if (sse.data.trim() === '') continue;
    const response = parseEvent(sse.data);
    if (response.usageMetadata) state.usage = toUsage(response.usageMetadata);
    const candidates = response.candidates ?? [];
    if (candidates.length === 0) {
      if (response.promptFeedback?.blockReason !== undefined) throw noCandidates(response);
      continue; // a usage-only event
    }
    state.id ??= completionId(response.responseId);
    for (const [position, candidate] of candidates.entries())
      yield* convert(candidate, candidate.index ?? position, state);
  }
  const choices = [...state.choices.values()];
  if (choices.length === 0 || choices.some((choice) => !choice.finished)) {
    throw new ProviderError('upstream stream ended early', { kind: 'network', status: 0 });
  }
  if (state.usage !== undefined) {
    const last = frame(state, []);
    last.usage = state.usage;
    yield last;
  }
}

function* convert(candidate: GeminiCandidate, index: number, state: StreamState): Generator<ChatCompletionChunk> {
  let choice = state.choices.get(index);
  if (choice === undefined) {
    choice = { toolCalls: 0, finished: false };
    state.choices.set(index, choice);
    yield chunk(state, index, { role: 'assistant', content: '' }, null);
  }
  const { text, toolCalls } = readParts(candidate.content?.parts, choice.toolCalls);
  if (text !== '') yield chunk(state, index, { content: text }, null);
  for (const call of toolCalls) {
    const delta: ChunkDelta = {
      tool_calls: [{ index: choice.toolCalls++, id: call.id, type: 'function', function: call.function }],
    };
    yield chunk(state, index, delta, null);
  }
  if (candidate.finishReason !== undefined && !choice.finished) {
    choice.finished = true;
    yield chunk(state, index, {}, finishReason(candidate.finishReason, choice.toolCalls > 0));
  }
}

/** One event's JSON; an error object sent in the stream (Google does so after a 200) throws its ProviderError. */
function parseEvent(data: string): GenerateContentResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (err) {
    throw new ProviderError('upstream sent a stream event that is not JSON', {
      kind: 'server',
      status: 200,
      cause: err,
    });
  }
  return asResponse(parsed);
}

/**
 * A chunk of `choices`, its fields named here (not spread into a literal with more fields: docs/BENCHMARKS.md, "Hidden
 * classes made per request").
 */
function frame(state: StreamState, choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
  return {
    id: state.id ?? completionId(undefined),
    object: 'chat.completion.chunk',
    created: state.created,
    model: state.model,
    choices,
  };
}

function chunk(state: StreamState, index: number, delta: ChunkDelta, finish: FinishReason | null): ChatCompletionChunk {
  return frame(state, [{ index, delta, finish_reason: finish }]);
}
