// Complexity: how hard a request looks, 0..1, from its length, the number of things it asks and its multi-step cues.
import type { Task } from '../../config/schema.js';
import { words, type Feature } from './lexicon.js';

/** Cues that the answer takes several steps or must meet several constraints; each distinct cue counts 1. */
export const STEP_CUES: readonly Feature[] = [
  words(1, 'step by step|steps|walk me through|work through|show your work|show the formula|explain your steps'),
  words(1, 'first|then|next|after that|afterwards|finally|lastly|and then'),
  words(1, 'also|additionally|in addition|furthermore|moreover|as well as|besides'),
  words(1, 'compare|contrast|versus|vs|trade offs|pros and cons|both sides|weigh'),
  words(1, 'explain why|justify|prove|derive|reason|analyze|analyse|evaluate|assess|critically'),
  words(1, 'design|implement|architect|optimize|optimise|refactor|migrate|plan'),
  words(1, 'must|should|make sure|ensure|at least|at most|no more than|under|without|only|exactly|keep'),
  words(1, 'each|every|all of|for every|one at a time'),
  words(1, 'edge cases|constraints|requirements|assumptions|confounders|risks'),
];

/** Shape of a text that words do not show: questions asked, list items, numbers, lines, camelCase identifiers. */
export interface TextStats {
  questions: number;
  listItems: number;
  numbers: number;
  lines: number;
  longestLine: number;
  /** Words with a lowercase letter followed by a capital (`useEffect`, `getById`): identifiers, mostly. */
  camelCase: number;
}

/**
 * Counts question marks, lines that start a list item (`-`, `*`, `•`, `1.`, `a)`), runs of digits, lines and camelCase
 * words, in one pass (a regex for "a line of 600 characters" would rescan every line from every position). Reads the
 * text as written: lowercased, it would show no camelCase.
 */
export function textStats(text: string): TextStats {
  let questions = 0;
  let listItems = 0;
  let numbers = 0;
  let lines = text.length > 0 ? 1 : 0;
  let longestLine = 0;
  let lineFrom = 0;
  let camelCase = 0;
  let lineStart = true;
  let inNumber = false;
  let lower = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (lower && c >= 65 && c <= 90) camelCase++;
    lower = c >= 97 && c <= 122;
    const digit = c >= 48 && c <= 57;
    if (digit && !inNumber) numbers++;
    inNumber = digit || (inNumber && (c === 46 || c === 44) && i + 1 < text.length && isDigit(text.charCodeAt(i + 1)));
    if (c === 63 || c === 0xff1f) questions++;
    if (c === 10) {
      longestLine = Math.max(longestLine, i - lineFrom);
      lineFrom = i + 1;
      lines++;
      lineStart = true;
      continue;
    }
    if (lineStart && c !== 32 && c !== 9) {
      lineStart = false;
      if (isListMarker(text, i, c)) listItems++;
    }
  }
  longestLine = Math.max(longestLine, text.length - lineFrom);
  return { questions, listItems, numbers, lines, longestLine, camelCase };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function isListMarker(text: string, i: number, c: number): boolean {
  const next = text.charCodeAt(i + 1);
  if (c === 45 || c === 42 || c === 0x2022) return next === 32; // "- ", "* ", "• "
  if (isDigit(c)) {
    let j = i + 1;
    while (isDigit(text.charCodeAt(j))) j++;
    const after = text.charCodeAt(j);
    return (after === 46 || after === 41) && text.charCodeAt(j + 1) === 32; // "1. ", "2) "
  }
  return c >= 97 && c <= 122 && next === 41 && text.charCodeAt(i + 2) === 32; // "a) "
}

/** How much each task adds to complexity on its own: a proof or a program is harder than small talk. */
const TASK_COMPLEXITY: Readonly<Partial<Record<Task, number>>> = {
  code: 0.1,
  math: 0.1,
  reasoning: 0.1,
  chat: -0.1,
};

/** A one-line prompt of about this many tokens scores close to 0 for length; this many or more scores 1. */
const SHORT_TOKENS = 20;
const LONG_TOKENS = 3000;
const LOG_LONG = Math.log2(1 + LONG_TOKENS / SHORT_TOKENS);

/**
 * Complexity 0..1 of a request: the last user message's length (log-scaled), the asks beyond the first (extra
 * questions, list items), the distinct multi-step cues, the whole prompt's size, and the task.
 */
export function complexityOf(input: {
  userTokens: number;
  promptTokens: number;
  stats: TextStats;
  stepCues: number;
  task: Task;
}): number {
  const length = Math.min(1, Math.log2(1 + input.userTokens / SHORT_TOKENS) / LOG_LONG);
  const context = Math.min(1, input.promptTokens / 32_000);
  const asks = Math.min(1, (Math.max(0, input.stats.questions - 1) + input.stats.listItems * 0.5) / 4);
  const steps = Math.min(1, input.stepCues / 5);
  const raw = 0.4 * length + 0.1 * context + 0.2 * asks + 0.3 * steps + (TASK_COMPLEXITY[input.task] ?? 0);
  return Math.round(Math.min(1, Math.max(0, raw)) * 1000) / 1000;
}
