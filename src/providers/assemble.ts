// Streamed OpenAI chunks to one chat completion (judging a stream, caching it) and back (replaying an answer as a
// stream).
import type { ChatCompletion, ChatCompletionChunk, ChunkDelta, FinishReason, ToolCall } from './types.js';

/** The completion that a sequence of chunks adds up to (first choice only). */
export function completionFromChunks(chunks: ChatCompletionChunk[]): ChatCompletion {
  let content = '';
  let refusal: string | null = null;
  let finish: FinishReason = 'stop';
  const calls: ToolCall[] = [];
  const first = chunks[0];
  let usage: ChatCompletion['usage'];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const { delta } = choice;
    if (delta.content) content += delta.content;
    if (delta.refusal) refusal = (refusal ?? '') + delta.refusal;
    for (const part of delta.tool_calls ?? []) {
      const call = (calls[part.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (part.id) call.id = part.id;
      if (part.function?.name) call.function.name += part.function.name;
      if (part.function?.arguments) call.function.arguments += part.function.arguments;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  const toolCalls = calls.filter((call) => call !== undefined);
  return {
    id: first?.id ?? 'chatcmpl-stream',
    object: 'chat.completion',
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? '',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: content === '' && toolCalls.length > 0 ? null : content,
          refusal,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

/**
 * A completion as the stream OpenAI would have sent: per choice a role chunk, a content (or refusal) chunk, one chunk
 * per tool call, a finish chunk; then, with `includeUsage` and usage known, a usage chunk with no choices. As OpenAI
 * does with include_usage, the other chunks then carry `usage: null`.
 */
export function completionToChunks(completion: ChatCompletion, includeUsage: boolean): ChatCompletionChunk[] {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint !== undefined ? { system_fingerprint: completion.system_fingerprint } : {}),
    ...(includeUsage ? { usage: null } : {}),
  };
  const chunks: ChatCompletionChunk[] = [];
  // Object.assign, not `{ ...base, choices }`: on Node 20 a literal that starts with a spread and adds fields makes a
  // new hidden class at every call (docs/BENCHMARKS.md, "Hidden classes made per request").
  const push = (
    index: number,
    delta: ChunkDelta,
    finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
  ) => chunks.push(Object.assign({}, base, { choices: [{ index, delta, finish_reason: finish, logprobs: null }] }));
  for (const choice of completion.choices) {
    const { message, index } = choice;
    const text = message.content ?? null;
    push(index, { role: 'assistant', content: text === null ? null : '' });
    if (text) push(index, { content: text });
    if (message.refusal) push(index, { refusal: message.refusal });
    (message.tool_calls ?? []).forEach((call, i) => {
      push(index, {
        tool_calls: [
          {
            index: i,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: call.function.arguments },
          },
        ],
      });
    });
    push(index, {}, choice.finish_reason);
  }
  if (includeUsage && completion.usage) chunks.push(Object.assign({}, base, { choices: [], usage: completion.usage }));
  return chunks;
}
