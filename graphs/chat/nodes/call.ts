// call node: one upstream call to the current candidate; a stream is opened up to its first content.
import { withoutSecret } from '../../../src/providers/errors.js';
import type { ChatCompletionChunk, ChatRequest } from '../../../src/providers/types.js';
import type { Candidate } from '../../../src/routing/types.js';
import type { CallResult, ChatDeps, OpenedStream } from '../context.js';

export interface CallInput {
  candidate: Candidate;
  request: ChatRequest;
  stream: boolean;
  signal: AbortSignal;
}

/**
 * Calls the candidate's provider with the next key; throws the adapter's ProviderError on failure, with the key
 * masked wherever the provider echoed it, since messages reach the client and the logs.
 */
export async function callModel(deps: ChatDeps, { candidate, request, stream, signal }: CallInput): Promise<CallResult> {
  const { provider, config } = candidate.model;
  const adapter = deps.adapters[provider.protocol];
  const apiKey = deps.keys.next(provider);
  const ctx = {
    baseUrl: provider.baseUrl,
    apiKey,
    model: config.id,
    signal,
    timeouts: deps.timeouts,
    headers: provider.headers,
    maxTokensField: provider.maxTokensField,
  };
  try {
    if (!stream) return { kind: 'completion', completion: await adapter.chat(request, ctx) };
    return { kind: 'stream', stream: await openStream(scrubbed(adapter.stream(request, ctx), apiKey)[Symbol.asyncIterator]()) };
  } catch (err) {
    throw withoutSecret(err, apiKey);
  }
}

async function* scrubbed(chunks: AsyncIterable<ChatCompletionChunk>, apiKey: string): AsyncGenerator<ChatCompletionChunk> {
  try {
    yield* chunks;
  } catch (err) {
    throw withoutSecret(err, apiKey);
  }
}

/**
 * Reads a stream until its first chunk with content (text, tool call or refusal), so that a failure
 * or an empty answer before anything reaches the client can still fall back to another model.
 */
export async function openStream(rest: AsyncIterator<ChatCompletionChunk>): Promise<OpenedStream> {
  const head: ChatCompletionChunk[] = [];
  for (;;) {
    const next = await rest.next();
    if (next.done) return { head, rest, done: true };
    head.push(next.value);
    if (hasContent(next.value)) return { head, rest, done: false };
  }
}

/** A finish_reason alone is not content: a stream that finishes first is read to its end, then judged as empty. */
function hasContent(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some(({ delta }) => !!delta.content || !!delta.refusal || (delta.tool_calls?.length ?? 0) > 0);
}
