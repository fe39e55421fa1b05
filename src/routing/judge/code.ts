// The judge's code check (a code task answered without code), and stripping code out of prose for the other checks.
import type { Answer, Failure, JudgeInput } from './types.js';

const FENCE = /^[ \t]*(?:```|~~~)/m;
/** Inline code spans, and the characters that make one look like code (a call, an index, an operator), not a word. */
const INLINE_SPAN = /`([^`\n]+)`/g;
const CODE_CHAR = /[()[\]{}=;.:<>$]/;
/**
 * A line that reads like code in most languages: a keyword start, a statement end, a brace, an arrow, a tag, a prompt.
 */
const CODE_LINE =
  /^\s*(?:(?:def|class|function|fn|func|const|let|var|import|package|public|private|return|#include|#!|SELECT|INSERT|UPDATE|CREATE|from\s+\S+\s+import)\b|\$ |>>> |<\/?[a-zA-Z][\w-]*(?:\s[^>]*)?>)|[;{]\s*$|^\s*}|=>|\w\([^)\n]*\)\s*[;:]?\s*$/;
/** The question asks about code rather than for code: an explanation in prose can be the right answer. */
const EXPLAIN =
  /^\s*(?:(?:can|could) you |please )?(?:explain|describe|compare|why|what|when|which|who|is|are|does|should|tell me (?:about|what|why))\b|\b(?:explain|difference between|what does)\b/i;
const PRODUCE =
  /\b(?:write|implement|code|fix|refactor|rewrite|generate|create|build|convert|port|complete|debug|add|show me)\b/i;

/**
 * A `code` task whose answer has no fenced block, no code-like inline span and fewer than two code-like lines: 0.4.
 * Not for requests with tools, nor for questions about code rather than for code.
 */
export function checkCode(answer: Answer, input: JudgeInput): Failure | undefined {
  if (input.task !== 'code' || answer.hasToolCalls || input.json || answer.content.trim() === '') return undefined;
  // With tools, code goes through tool calls (an agent writes files) and the last message only reports on them.
  if ((input.toolNames?.length ?? 0) > 0) return undefined;
  // "What does this regex do?" is a code task that prose answers well: only questions asking for code are held to it.
  if (EXPLAIN.test(input.question) && !PRODUCE.test(input.question)) return undefined;
  if (hasCode(answer.content)) return undefined;
  return { score: 0.4, reason: 'code task answered without code' };
}

/** True when the text holds a fenced block, a code-like inline span, or at least two code-like lines. */
function hasCode(text: string): boolean {
  if (FENCE.test(text)) return true;
  // Spans and their contents are tested apart: one regex for both would backtrack on a long unclosed span.
  for (const span of text.matchAll(INLINE_SPAN)) if (CODE_CHAR.test(span[1]!)) return true;
  let codeLines = 0;
  for (const line of text.split('\n')) {
    if (line.length < 400 && CODE_LINE.test(line) && ++codeLines >= 2) return true;
  }
  return false;
}

/** The prose of a Markdown text: fenced blocks, inline code and URLs removed (they carry no natural language). */
export function stripCode(text: string): string {
  if (!text.includes('`') && !text.includes('~~~') && !text.includes('://')) return text;
  return text
    .replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?(?:^[ \t]*\1[ \t]*$|(?![\s\S]))/gm, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\bhttps?:\/\/\S+/g, ' ');
}
