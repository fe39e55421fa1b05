// judge: scores an answer 0..1 with cheap checks, so the graph can reject it and fall back.
import type { ChatCompletion } from '../providers/types.js';

export interface Verdict {
  score: number;
  reasons: string[];
}

export interface JudgeInput {
  completion: ChatCompletion;
  /** The client asked for JSON output. */
  json: boolean;
  /** The client set max_tokens, so a cut-off answer is what it asked for. */
  clientLimitedTokens: boolean;
}

/** The lowest score among the checks that fail; 1 when all pass. */
export function judge({ completion, json, clientLimitedTokens }: JudgeInput): Verdict {
  const choice = completion.choices[0];
  if (choice === undefined) return { score: 0, reasons: ['no choices'] };
  const { content, tool_calls: toolCalls } = choice.message;
  const failures: Array<[number, string]> = [];
  const hasToolCalls = (toolCalls?.length ?? 0) > 0;
  if (!hasToolCalls && (content === null || content.trim() === '')) failures.push([0, 'empty answer']);
  if (toolCalls?.some((call) => !call.function.name || !isJson(call.function.arguments))) {
    failures.push([0.1, 'malformed tool call']);
  }
  if (json && !hasToolCalls && content && !isJson(stripFence(content))) failures.push([0.2, 'invalid JSON in JSON mode']);
  if (choice.finish_reason === 'length' && !clientLimitedTokens) failures.push([0.6, 'cut off by length']);
  if (failures.length === 0) return { score: 1, reasons: [] };
  return { score: Math.min(...failures.map(([score]) => score)), reasons: failures.map(([, reason]) => reason) };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function stripFence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return match ? match[1]! : text;
}
