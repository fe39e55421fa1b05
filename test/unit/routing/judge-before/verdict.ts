// Before issue 20: the judge as judge-fast-paths.test.ts compares it with (reference copies, not used elsewhere).
// The judge's verdict: every cheap check of this folder on an answer, folded into one score 0..1, so the graph can
// reject the answer and fall back.
import { checkCode, stripCode } from '../../../../src/routing/judge/code.js';
import { checkLanguage } from './language.js';
import { checkRefusal } from './refusal.js';
import { checkRepetition } from './repetition.js';
import { checkEmpty, checkJson, checkLength, checkToolCalls } from '../../../../src/routing/judge/structure.js';
import type { Answer, Check, Failure, JudgeInput, Verdict } from '../../../../src/routing/judge/types.js';

/** The checks that read only the shape of the answer, cheapest first. */
const SHAPE_CHECKS: Check[] = [checkEmpty, checkToolCalls, checkJson, checkLength, checkRefusal, checkCode];

/**
 * Every check on the first choice: the lowest score among those that fail (1 when all pass), and every failure's
 * reason. Scores: no choices or empty 0, malformed tool call 0.1, invalid JSON in JSON mode 0.2, repetition loop 0.2,
 * refusal 0.3, another language 0.3, a code task without code 0.4, cut off by length 0.6, partial refusal 0.8.
 */
export function judge(input: JudgeInput): Verdict {
  const choice = input.completion.choices[0];
  if (choice === undefined) return { score: 0, reasons: ['no choices'] };
  const { message } = choice;
  const answer: Answer = {
    content: message.content ?? '',
    message,
    finishReason: choice.finish_reason,
    hasToolCalls: (message.tool_calls?.length ?? 0) > 0,
  };
  const failures: Failure[] = [];
  for (const check of SHAPE_CHECKS) {
    const failure = check(answer, input);
    if (failure !== undefined) failures.push(failure);
  }
  if (answer.content.trim() !== '') {
    // Both text checks read prose: code repeats lines legitimately and has no natural language.
    const prose = stripCode(answer.content);
    const repetition = checkRepetition(answer, prose);
    if (repetition !== undefined) failures.push(repetition);
    const language = checkLanguage(answer, input, prose);
    if (language !== undefined) failures.push(language);
  }
  return verdictOf(failures);
}

/** Folds failures into a verdict: the lowest score, and all reasons. */
function verdictOf(failures: Failure[]): Verdict {
  if (failures.length === 0) return { score: 1, reasons: [] };
  return {
    score: Math.min(...failures.map((failure) => failure.score)),
    reasons: failures.map((failure) => failure.reason),
  };
}
