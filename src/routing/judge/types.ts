// Shapes the judge's checks share: what they read, and what a failing check reports.
import type { Task } from '../../config/schema.js';
import type { AssistantMessage, ChatCompletion, FinishReason } from '../../providers/types.js';

/** The judge's score for one answer: 1 when every check passes, else the lowest failing score, with every reason. */
export interface Verdict {
  score: number;
  reasons: string[];
}

/** What the judge needs to know about an answer and the request it answers. */
export interface JudgeInput {
  completion: ChatCompletion;
  /** The client asked for JSON output. */
  json: boolean;
  /** The client set max_tokens, so a cut-off answer is what it asked for. */
  clientLimitedTokens: boolean;
  /** The task classify found: the code check applies to `code`, the language check skips `translation`. */
  task: Task;
  /** The last user message's text, which the language and code checks read. */
  question: string;
  /** The names of the request's tools, when it gave any: a call to any other name is malformed. */
  toolNames?: string[];
}

/** One failing check: its score (0..1) and why. */
export interface Failure {
  score: number;
  reason: string;
}

/** The first choice of a completion, as the checks read it (`content` is never null here). */
export interface Answer {
  content: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  hasToolCalls: boolean;
}

/** A check: a pure function of the answer and the request, returning a failure or nothing. */
export type Check = (answer: Answer, input: JudgeInput) => Failure | undefined;
