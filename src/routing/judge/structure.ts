// The judge's shape checks: an empty answer, one cut off by length, invalid JSON in JSON mode, malformed tool calls.
import type { Answer, Failure, JudgeInput } from './types.js';

/** Nothing at all to give the client (a refusal is judged by the refusal check instead): score 0. */
export function checkEmpty(answer: Answer): Failure | undefined {
  if (answer.hasToolCalls || answer.content.trim() !== '' || answer.message.refusal) return undefined;
  return { score: 0, reason: 'empty answer' };
}

/** Stopped by the token limit when the client set none, so the limit was the provider's or the model's: 0.6. */
export function checkLength(answer: Answer, input: JudgeInput): Failure | undefined {
  if (answer.finishReason !== 'length' || input.clientLimitedTokens) return undefined;
  return { score: 0.6, reason: 'cut off by length' };
}

/** JSON mode asked for, and the text (inside a Markdown fence or not) does not parse: 0.2. */
export function checkJson(answer: Answer, input: JudgeInput): Failure | undefined {
  if (!input.json || answer.hasToolCalls || answer.content.trim() === '') return undefined;
  if (parseJson(stripFence(answer.content)) !== undefined) return undefined;
  return { score: 0.2, reason: 'invalid JSON in JSON mode' };
}

/**
 * A tool call with no name, arguments that are not a JSON object, or a name the request's tools do not have: 0.1.
 * Empty arguments pass: some providers send "" for a tool that takes none.
 */
export function checkToolCalls(answer: Answer, input: JudgeInput): Failure | undefined {
  const known = input.toolNames !== undefined && input.toolNames.length > 0 ? new Set(input.toolNames) : undefined;
  for (const call of answer.message.tool_calls ?? []) {
    const { name, arguments: args } = call.function;
    if (!name) return { score: 0.1, reason: 'malformed tool call: no name' };
    if (args.trim() !== '' && !isObject(parseJson(args))) {
      return { score: 0.1, reason: `malformed tool call: arguments of ${name} are not a JSON object` };
    }
    if (known !== undefined && !known.has(name))
      return { score: 0.1, reason: `malformed tool call: unknown tool ${name}` };
  }
  return undefined;
}

/** The parsed value, or undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The inside of a Markdown code fence wrapping the whole text (models often fence JSON even in JSON mode). */
function stripFence(text: string): string {
  // By hand, not one regex: JSON mode can loop on whitespace, and a lazy regex would go quadratic on it.
  const trimmed = text.trim();
  if (trimmed.length < 6 || !trimmed.startsWith('```') || !trimmed.endsWith('```')) return text;
  const inner = trimmed.slice(3, -3);
  return (/^json/i.test(inner) ? inner.slice(4) : inner).trim();
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
