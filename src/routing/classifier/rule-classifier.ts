// The rule classifier: derives the task, domain, complexity, needs and size of a request from its messages alone, in
// microseconds, by scoring weighted word, phrase and pattern rules (task-rules.ts, domain-rules.ts). The learned
// classifier (learned-classifier.ts) runs it first and reads its scores as features; it is the fallback without a model.
import { TASKS, type Task } from '../../config/schema.js';
import { STEP_CUES, complexityOf, textStats, type TextStats } from './complexity.js';
import { DOMAIN_RULES, DOMAIN_THRESHOLD, SPECIALIST_DOMAINS, type SpecialistDomain } from './domain-rules.js';
import { compileLexicon, type Feature } from './lexicon.js';
import { contentLength, contentText, hasImage, splitAsk, textWindow } from './messages.js';
import { STRUCTURE, TASK_PRIOR, TASK_RULES } from './task-rules.js';
import { tokens } from '../tokens.js';
import type { Classification, Domain, RequestNeeds } from '../types.js';
import { LONG_CONTEXT_TOKENS, type Classifier, type ClassifyInput } from './types.js';

/** Replacements for the default rules and thresholds (tests, or a deployment tuned to its own traffic). */
export interface RuleClassifierOptions {
  taskRules?: Readonly<Record<Task, readonly Feature[]>>;
  domainRules?: Readonly<Record<SpecialistDomain, readonly Feature[]>>;
  longContextTokens?: number;
  /** Characters read from the start and the end of the last user message (2,000 and 500 by default). */
  userWindow?: readonly [head: number, tail: number];
}

/** Characters of the last user message read from its start and from its end; the middle of a long paste is skipped. */
const USER_HEAD = 2000;
const USER_TAIL = 500;
/**
 * Within those, the instruction usually sits at the start or the end ("Summarize this: ..." or "... What does it say
 * about X?"); the rest is material the instruction is about, and counts for less (see `splitAsk`).
 */
const ASK_HEAD = 250;
const ASK_TAIL = 150;
/** How much material counts for the task; for the domain it counts in full, since it is what the request is about. */
const MATERIAL_TASK_WEIGHT = 0.5;
/** A system prompt says what the conversation is for, in its first lines; it counts for less than the user's ask. */
const SYSTEM_CHARS = 1000;
const SYSTEM_WEIGHT = 0.6;
/** The user's previous turn says what a follow-up ("now shorter") is about. */
const PREVIOUS_CHARS = 500;
const PREVIOUS_WEIGHT = 0.3;

/** A rule classification with what it was decided from, for the learned classifier's features. */
export interface RuleScoring {
  classification: Classification;
  /**
   * The rules' scores: the tasks (in TASKS order), the specialist domains (SPECIALIST_DOMAINS order), the step cues.
   * One buffer, overwritten by the next call.
   */
  scores: Float64Array;
  /** The shape of the last user message's window read. */
  stats: TextStats;
  /** That window: the first and last characters of the last user message (`userWindow`). */
  read: string;
  /** `read` lowercased, as the rules read it. */
  lower: string;
}

/** The rule classifier, which can also say what its classification was decided from. */
export interface RuleClassifier extends Classifier {
  score(request: ClassifyInput): RuleScoring;
}

/** Weighted rules per task and per domain, scored in one pass over the messages. */
export function createRuleClassifier(options: RuleClassifierOptions = {}): RuleClassifier {
  const taskRules = options.taskRules ?? TASK_RULES;
  const domainRules = options.domainRules ?? DOMAIN_RULES;
  const longContextTokens = options.longContextTokens ?? LONG_CONTEXT_TOKENS;
  const [userHead, userTail] = options.userWindow ?? [USER_HEAD, USER_TAIL];
  // Classes: the tasks, then the specialist domains, then the step cues, all scored by one lexicon.
  const lexicon = compileLexicon([
    ...TASKS.map((t) => taskRules[t]),
    ...SPECIALIST_DOMAINS.map((d) => domainRules[d]),
    STEP_CUES,
  ]);
  const firstDomain = TASKS.length;
  const steps = firstDomain + SPECIALIST_DOMAINS.length;
  const prior = Float64Array.from({ length: lexicon.classCount }, (_, i) =>
    i < TASKS.length ? (TASK_PRIOR[TASKS[i]!] ?? 0) : 0,
  );
  const scores = new Float64Array(lexicon.classCount);
  const materialWeights = Float64Array.from({ length: lexicon.classCount }, (_, i) =>
    i < TASKS.length ? MATERIAL_TASK_WEIGHT : 1,
  );
  const chat = TASKS.indexOf('chat');
  const math = TASKS.indexOf('math');
  const code = TASKS.indexOf('code');
  const summarization = TASKS.indexOf('summarization');

  function score(request: ClassifyInput): RuleScoring {
    const { messages } = request;
    let lastUser = -1;
    let previousUser = -1;
    let promptChars = Math.max(0, messages.length - 1);
    let tools = (request.tools?.length ?? 0) > 0;
    let vision = false;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      promptChars += contentLength(message);
      if (message.role === 'user') {
        previousUser = lastUser;
        lastUser = i;
      }
      if (message.role === 'tool' || (message.tool_calls?.length ?? 0) > 0) tools = true;
      if (!vision && hasImage(message)) vision = true;
    }
    const query = lastUser >= 0 ? contentText(messages[lastUser]!) : '';
    const read = textWindow(query, userHead, userTail);
    const user = read.toLowerCase();

    scores.set(prior);
    const [ask, material] = splitAsk(user, ASK_HEAD, ASK_TAIL);
    lexicon.score(ask, 1, scores);
    if (material.length > 0) lexicon.score(material, 1, scores, materialWeights);
    const stepCues = scores[steps]!;
    const stats = textStats(read);
    scores[math]! += Math.min(stats.numbers, STRUCTURE.maxNumbers) * STRUCTURE.mathPerNumber;
    scores[code]! += Math.min(stats.camelCase, STRUCTURE.maxCamelCase) * STRUCTURE.codePerCamelCase;
    if (user.length < STRUCTURE.shortChars && stats.questions === 0) scores[chat]! += STRUCTURE.shortChat;
    if (stats.lines >= STRUCTURE.passageLines || stats.longestLine >= STRUCTURE.passageLineChars)
      scores[summarization]! += STRUCTURE.passageSummarization;
    let systems = 0;
    for (const message of messages) {
      if ((message.role !== 'system' && message.role !== 'developer') || systems++ >= 2) continue;
      lexicon.score(textWindow(contentText(message), SYSTEM_CHARS, 0).toLowerCase(), SYSTEM_WEIGHT, scores);
    }
    if (previousUser >= 0)
      lexicon.score(
        textWindow(contentText(messages[previousUser]!), PREVIOUS_CHARS, 0).toLowerCase(),
        PREVIOUS_WEIGHT,
        scores,
      );

    const task = TASKS[argmax(scores, 0, TASKS.length)]!;
    const best = argmax(scores, firstDomain, steps);
    const domain: Domain = scores[best]! >= DOMAIN_THRESHOLD ? SPECIALIST_DOMAINS[best - firstDomain]! : 'general';
    const estimatedTokens = Math.ceil(promptChars / 4);
    const needs: RequestNeeds = {
      tools,
      vision,
      json: request.response_format !== undefined && request.response_format.type !== 'text',
      longContext: estimatedTokens > longContextTokens,
    };
    let exact: number | undefined;
    const classification: Classification = {
      task,
      query,
      domain,
      complexity: complexityOf({
        userTokens: Math.ceil(query.length / 4),
        promptTokens: estimatedTokens,
        stats,
        stepCues,
        task,
      }),
      promptChars,
      estimatedTokens,
      promptTokens: () => (exact ??= tokens.countJoined(messages.map(contentText))),
      needs,
    };
    return { classification, scores, stats, read, lower: user };
  }

  return { score, classify: (request) => score(request).classification };
}

/** The index of the highest score in [from, to); the earliest wins a tie. */
function argmax(scores: Float64Array, from: number, to: number): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
