// classify: derives the task, needs and size of a request from its messages alone, in microseconds.
import { countTokens } from 'gpt-tokenizer';
import type { Task } from '../config/schema.js';
import type { ChatMessage, ChatRequest } from '../providers/types.js';
import type { Classification, RequestNeeds } from './types.js';

/** Prompts longer than this (in estimated tokens) need a long-context model. */
export const LONG_CONTEXT_TOKENS = 32_000;

/** Ordered: the first pattern that matches the last user message names the task. */
const TASK_PATTERNS: Array<[Task, RegExp]> = [
  ['code', /```|\b(function|class|def|python|javascript|typescript|java|rust|golang|sql|regex|bug|compile|refactor|stack ?trace|code)\b/i],
  ['math', /\b(solve|equation|integral|derivative|prove|calculate|probability)\b|\d+\s*[-+*/^]\s*\d+/i],
  ['translation', /\btranslat(e|ion)\b|\bin (french|spanish|german|chinese|japanese|english)\b/i],
  ['summarization', /\b(summari[sz]e|summary|tl;?dr|key points)\b/i],
  ['extraction', /\b(extract|parse|list all|pull out)\b/i],
  ['creative_writing', /\b(poem|story|essay|lyrics|haiku|write a (short )?(tale|novel|scene))\b/i],
  ['roleplay', /\b(pretend|role-?play|act as|you are a)\b/i],
  ['reasoning', /\b(why|explain|compare|step by step|reason|analy[sz]e)\b/i],
  ['knowledge', /\b(what is|who (is|was)|when did|where is|define)\b/i],
];

/** The task, needs and size of a request. Replaceable: the router only depends on the Classification shape. */
export function classify(request: Pick<ChatRequest, 'messages' | 'tools' | 'response_format'>): Classification {
  const text = promptText(request.messages);
  const lastUser = lastUserText(request.messages);
  const estimatedTokens = Math.ceil(text.length / 4);
  let exact: number | undefined;
  const needs: RequestNeeds = {
    tools: (request.tools?.length ?? 0) > 0 || request.messages.some((m) => m.role === 'tool' || (m.tool_calls?.length ?? 0) > 0),
    vision: request.messages.some((m) => Array.isArray(m.content) && m.content.some((part) => part.type === 'image_url')),
    json: request.response_format !== undefined && request.response_format.type !== 'text',
    longContext: estimatedTokens > LONG_CONTEXT_TOKENS,
  };
  return {
    task: TASK_PATTERNS.find(([, pattern]) => pattern.test(lastUser))?.[0] ?? 'chat',
    domain: 'general',
    complexity: Math.min(1, estimatedTokens / 4000 + (lastUser.match(/\?/g)?.length ?? 0) * 0.1),
    promptChars: text.length,
    estimatedTokens,
    promptTokens: () => (exact ??= countTokens(text)),
    needs,
  };
}

function contentText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

function promptText(messages: ChatMessage[]): string {
  return messages.map(contentText).join('\n');
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === 'user') return contentText(message);
  }
  return '';
}
