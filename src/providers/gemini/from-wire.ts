// Gemini GenerateContentResponse → OpenAI ChatCompletion (text, tool calls, finish reason, usage).
import { randomUUID } from 'node:crypto';
import { ProviderError } from '../errors.js';
import { geminiError, geminiErrorStatus } from './errors.js';
import type { ChatCompletion, FinishReason, ToolCall, Usage } from '../types.js';
import type { GeminiPart, GeminiUsageMetadata, GenerateContentResponse } from './wire-types.js';

export interface FromWireOptions {
  /** Clock (ms since epoch) for `created`. */
  now: () => number;
  /** The upstream model id, reported as the completion's `model`. */
  model: string;
}

/** Finish reasons that mean a filter stopped the answer (safety, recitation, blocklists, personal data...). */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * One completion with a choice per candidate. A prompt blocked before any candidate (`promptFeedback.blockReason`)
 * throws a `content_filter` ProviderError; an answer with no candidates and no reason throws a `server` one.
 */
export function fromGeminiResponse(body: unknown, options: FromWireOptions): ChatCompletion {
  const response = asResponse(body);
  const candidates = response.candidates ?? [];
  if (candidates.length === 0) throw noCandidates(response);
  const choices = candidates.map((candidate, position): ChatCompletion['choices'][number] => {
    const { text, toolCalls } = readParts(candidate.content?.parts);
    const finish = finishReason(candidate.finishReason, toolCalls.length > 0);
    const content = text === '' && (toolCalls.length > 0 || finish === 'content_filter') ? null : text;
    return {
      index: candidate.index ?? position,
      message: {
        role: 'assistant',
        content,
        refusal: null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finish_reason: finish,
      logprobs: null,
    };
  });
  const usage = toUsage(response.usageMetadata);
  return {
    id: completionId(response.responseId),
    object: 'chat.completion',
    created: Math.floor(options.now() / 1000),
    model: options.model,
    choices,
    ...(usage === undefined ? {} : { usage }),
  };
}

/** The body as a response object; an `{error}` body throws its ProviderError, anything else is an upstream fault. */
export function asResponse(body: unknown): GenerateContentResponse {
  const error = geminiErrorStatus(body);
  if (error !== undefined) throw geminiError(typeof error.code === 'number' ? error.code : 500, body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProviderError('upstream answer is not a GenerateContentResponse object', { kind: 'server', status: 200 });
  }
  return body as GenerateContentResponse;
}

/** `chatcmpl-<responseId>`, or a random id when Gemini gave none. */
export function completionId(responseId: string | undefined): string {
  return `chatcmpl-${responseId ?? randomUUID().replace(/-/g, '')}`;
}

/**
 * Text and function calls of a candidate's parts. Thought parts (`thought: true`) are the model's reasoning
 * summary, not its answer, and are skipped; `thoughtSignature` is opaque and dropped. Calls get Gemini's own
 * `id` when it sent one, else `call_<n>` numbered in order; their `args` object becomes the JSON arguments.
 */
export function readParts(parts: GeminiPart[] | undefined, firstCall = 0): { text: string; toolCalls: ToolCall[] } {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of parts ?? []) {
    if (part.thought === true) continue;
    if (typeof part.text === 'string') text += part.text;
    if (part.functionCall) {
      const index = firstCall + toolCalls.length;
      toolCalls.push({
        id: part.functionCall.id ?? `call_${index}`,
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    }
  }
  return { text, toolCalls };
}

/**
 * Gemini finishes with STOP whether or not it called functions, so STOP becomes `tool_calls` when it did.
 * MAX_TOKENS → `length`; filter reasons → `content_filter`; anything else (OTHER, LANGUAGE,
 * MALFORMED_FUNCTION_CALL, reasons added later) → `stop`, the only other ending OpenAI's shape has.
 */
export function finishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** Thinking tokens are billed as output, so they count as completion tokens. */
export function toUsage(meta: GeminiUsageMetadata | undefined): Usage | undefined {
  if (meta === undefined) return undefined;
  const prompt = meta.promptTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: meta.totalTokenCount ?? prompt + completion,
  };
}

/** Why an answer has no candidates: a blocked prompt is a content filter; otherwise the upstream misbehaved. */
export function noCandidates(response: GenerateContentResponse): ProviderError {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason !== undefined) {
    const detail = response.promptFeedback?.blockReasonMessage;
    return new ProviderError(`prompt blocked by Gemini (${blockReason})${detail ? `: ${detail}` : ''}`, {
      kind: 'content_filter',
      status: 200,
      upstreamCode: blockReason,
    });
  }
  return new ProviderError('upstream answer has no candidates', { kind: 'server', status: 200 });
}
