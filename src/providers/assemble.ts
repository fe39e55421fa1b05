// Assembles streamed OpenAI chunks into one chat completion (for judging a stream, or counting what was sent).
import type { ChatCompletion, ChatCompletionChunk, FinishReason, ToolCall } from './types.js';

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
        message: { role: 'assistant', content: content === '' && toolCalls.length > 0 ? null : content, refusal, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}
