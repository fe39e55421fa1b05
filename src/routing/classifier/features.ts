// The learned classifier's features of a request: hashed words and character n-grams of the last user message (and,
// weighted like the rules weigh them, the system prompt and the previous user turn), plus dense features the hashing
// cannot see: the rule classifier's scores, length, questions, lists, code fences, math notation, scripts.
import { TASKS } from '../../config/schema.js';
import { createFeatureHasher, type HashedFeatures } from './hashing.js';
import { contentText, textWindow } from './messages.js';
import { createRuleClassifier, type RuleScoring } from './rule-classifier.js';
import type { ClassifyInput } from './types.js';

/** A request's features: the hashed (sparse, l2-normalised) part and the dense part; overwritten by the next call. */
export interface FeatureVector extends HashedFeatures {
  dense: Float32Array;
}

/** Turns a request into features; also returns the rule classification it ran (the learned one starts from it). */
export interface FeatureExtractor {
  readonly buckets: number;
  extract(request: ClassifyInput): { features: FeatureVector; scoring: RuleScoring };
}

/** How many dense features there are (the model's weights have one row per bucket, then one per dense feature). */
export const DENSE_FEATURES = 55;

/** As the rules do: the system prompt's first lines count 0.6, the previous user turn's 0.3 (see rule-classifier.ts). */
const SYSTEM_CHARS = 1000;
const SYSTEM_WEIGHT = 0.6;
const PREVIOUS_CHARS = 500;
const PREVIOUS_WEIGHT = 0.3;
/**
 * The window of the last user message read, for the rules' scores and the words: shorter than the rules' own, since
 * the rules over it are most of a long prompt's time; the ask is at the start or the end. With the trigrams' 250 + 100
 * below it scored as well on the held-out split as 600 + 200 and 400 + 150 did (task 87.0 % against 86.7 %, domain
 * 83.0 % against 82.6 %), in two thirds of the time.
 */
const USER_WINDOW = [400, 150] as const;
/** Character n-grams, which cost most (each is a feature the model reads 18 weights for), from its start and end. */
const CHAR_HEAD = 250;
const CHAR_TAIL = 100;
/** Upper bounds of the length buckets of the user's message, in characters. */
const LENGTHS = [16, 48, 128, 384, 1024, 3072];
/** Math notation: operators, relations, LaTeX commands, symbols of calculus. */
const MATH_MARKS = /[=^√∫∑∏π≤≥≠±×÷∞∂]|\\(?:frac|sqrt|int|sum|cdot|leq|geq)|\b(?:d[xy]|lim|sin|cos|log|ln)\b/g;

const squash = (x: number, scale: number): number => Math.tanh(x / scale);
const log1p = (x: number, scale: number): number => Math.min(1, Math.log1p(x) / scale);

export function createFeatureExtractor(bits: number): FeatureExtractor {
  const hasher = createFeatureHasher(bits);
  const rules = createRuleClassifier({ userWindow: USER_WINDOW });
  const dense = new Float32Array(DENSE_FEATURES);
  // One vector, like the buffers it points to, reused by every call (the caller reads it before the next).
  const vector: FeatureVector = { indices: new Int32Array(0), values: new Float32Array(0), length: 0, dense };

  function extract(request: ClassifyInput): { features: FeatureVector; scoring: RuleScoring } {
    const scoring = rules.score(request);
    const { messages } = request;
    const { lower } = scoring;
    if (lower.length <= CHAR_HEAD + CHAR_TAIL) hasher.add(lower, 1, true);
    else {
      hasher.add(lower.slice(0, CHAR_HEAD), 1, true);
      hasher.add(lower.slice(CHAR_HEAD, -CHAR_TAIL), 1, false);
      hasher.add(lower.slice(-CHAR_TAIL), 1, true);
    }
    let system = false;
    let lastUser = -1;
    let previousUser = -1;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      if (message.role === 'user') {
        previousUser = lastUser;
        lastUser = i;
      } else if ((message.role === 'system' || message.role === 'developer') && !system) {
        system = true;
        hasher.add(textWindow(contentText(message), SYSTEM_CHARS, 0).toLowerCase(), SYSTEM_WEIGHT, false);
      }
    }
    if (previousUser >= 0)
      hasher.add(
        textWindow(contentText(messages[previousUser]!), PREVIOUS_CHARS, 0).toLowerCase(),
        PREVIOUS_WEIGHT,
        false,
      );
    const { indices, values, length } = hasher.finish();
    vector.indices = indices;
    vector.values = values;
    vector.length = length;
    fillDense(scoring, lower, system, previousUser >= 0);
    return { features: vector, scoring };
  }

  function fillDense(scoring: RuleScoring, lower: string, system: boolean, previous: boolean): void {
    const { classification: c, scores, stats, read } = scoring;
    let i = 0;
    dense[i++] = 1; // bias
    const ruleTask = TASKS.indexOf(c.task);
    for (let t = 0; t < TASKS.length; t++) {
      dense[i++] = t === ruleTask ? 1 : 0;
      dense[i++] = squash(scores[t]!, 4);
    }
    for (let d = 0; d < 4; d++) dense[i++] = squash(scores[TASKS.length + d]!, 4);
    dense[i++] = c.domain === 'general' ? 0 : 1;
    dense[i++] = Math.min(1, scores[TASKS.length + 4]! / 5);
    dense[i++] = c.complexity;
    let bucket = 0;
    while (bucket < LENGTHS.length && c.query.length >= LENGTHS[bucket]!) bucket++;
    for (let b = 0; b <= LENGTHS.length; b++) dense[i++] = b === bucket ? 1 : 0;
    dense[i++] = log1p(c.query.length, 9);
    dense[i++] = stats.questions === 0 ? 1 : 0;
    dense[i++] = stats.questions === 1 ? 1 : 0;
    dense[i++] = stats.questions >= 2 ? 1 : 0;
    dense[i++] = Math.min(1, stats.listItems / 8);
    dense[i++] = log1p(stats.lines, 5);
    dense[i++] = log1p(stats.numbers, 4);
    dense[i++] = log1p(stats.camelCase, 3);
    dense[i++] = lower.includes('```') ? 1 : 0;
    dense[i++] = log1p(lower.match(MATH_MARKS)?.length ?? 0, 3);
    scriptShares(read, dense, i);
    i += 2;
    dense[i++] = system ? 1 : 0;
    dense[i++] = previous ? 1 : 0;
    dense[i++] = c.needs.tools ? 1 : 0;
    dense[i++] = c.needs.json ? 1 : 0;
    const newline = read.indexOf('\n');
    dense[i++] = newline > 0 ? 1 - newline / read.length : 0; // share of the text after the first line: material
    dense[i++] = read.charCodeAt(lastNonSpace(read, read.length)) === 63 ? 1 : 0; // ends with `?`
    dense[i++] = newline > 0 && read.charCodeAt(lastNonSpace(read, newline)) === 58 ? 1 : 0; // first line ends with `:`
    dense[i++] = log1p(stats.longestLine, 7);
  }

  return { buckets: hasher.buckets, extract };
}

/**
 * The index of the last character before `end` that `String.prototype.trimEnd` would keep (white space and line
 * terminators as ECMAScript defines them), or -1: what `text.slice(0, end).trimEnd()` ends with, without building it.
 */
function lastNonSpace(text: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  return i;
}

function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Writes the share of letters outside the Latin script, and of CJK characters, among the first 500 characters, into
 * `out[at]` and `out[at + 1]`.
 */
function scriptShares(text: string, out: Float32Array, at: number): void {
  let letters = 0;
  let nonLatin = 0;
  let cjk = 0;
  const end = Math.min(text.length, 500);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if ((c | 32) >= 97 && (c | 32) <= 122) letters++;
      continue;
    }
    if (c < 0x250 || (c >= 0x2000 && c <= 0x2bff)) {
      if (c >= 0xc0) letters++;
      continue;
    }
    letters++;
    nonLatin++;
    if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) cjk++;
  }
  out[at] = letters === 0 ? 0 : nonLatin / letters;
  out[at + 1] = letters === 0 ? 0 : cjk / letters;
}
