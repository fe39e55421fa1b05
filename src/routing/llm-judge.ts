// The optional LLM judge (`routing.llmJudge`): a grader model scores an answer 0..10; any failure is "no opinion".
import type { ChatCompletion, ChatRequest } from '../providers/types.js';
import type { Verdict } from './judge/types.js';

/** How the LLM judge calls its grader model, and how long it waits for it. */
export interface LlmJudgeOptions {
  /** One completion from the grader (the graph routes it to `model`); must honour the signal. */
  grade: (request: ChatRequest, signal: AbortSignal) => Promise<ChatCompletion>;
  /** `provider/model` of the grader. */
  model: string;
  /** The grade is given up after this long, and the answer goes unjudged by the LLM. */
  timeoutMs: number;
}

/** An LLM grader of answers. */
export interface LlmJudge {
  /**
   * The grader's verdict on `answer` to `question` (score 0..1, its reason), or undefined when it failed, timed out,
   * was aborted by `signal`, or replied with no readable score: an LLM judge failing never fails the request.
   */
  score(question: string, answer: string, signal: AbortSignal): Promise<Verdict | undefined>;
}

/** Long texts are cut to keep the grading call small and fast; the start of an answer shows most of its quality. */
const MAX_QUESTION_CHARS = 4000;
const MAX_ANSWER_CHARS = 8000;

const INSTRUCTIONS =
  'You grade answers of an AI assistant. Judge whether the answer is correct, complete, relevant to the question, ' +
  'and written in the language of the question. Reply with only a JSON object: {"score": <integer 0-10>, ' +
  '"reason": "<one short sentence>"}. 10 is excellent, 5 is acceptable, 0 is wrong, empty or off-topic.';

/** Builds an LLM judge over `options.grade`. */
export function createLlmJudge(options: LlmJudgeOptions): LlmJudge {
  return {
    async score(question, answer, signal) {
      if (signal.aborted) return undefined;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const both = AbortSignal.any([signal, timeout]);
      try {
        const completion = await raceAbort(options.grade(gradingRequest(options.model, question, answer), both), both);
        const text = completion.choices[0]?.message.content;
        return typeof text === 'string' ? parseGrade(text) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The grading request: a system prompt with the rubric, the question and answer as data, a JSON reply asked for. */
function gradingRequest(model: string, question: string, answer: string): ChatRequest {
  return {
    model,
    messages: [
      { role: 'system', content: INSTRUCTIONS },
      {
        role: 'user',
        content: `<question>\n${clip(question, MAX_QUESTION_CHARS)}\n</question>\n\n<answer>\n${clip(answer, MAX_ANSWER_CHARS)}\n</answer>`,
      },
    ],
    temperature: 0,
    max_tokens: 200,
    response_format: { type: 'json_object' },
  };
}

/**
 * The grade in a grader's reply, mapped to 0..1: a JSON object with a numeric `score` (0-10, or a numeric string),
 * fenced or surrounded by other text; as a last resort "score: 7" or "7/10". Undefined when none can be read.
 */
export function parseGrade(text: string): Verdict | undefined {
  // Every balanced {...}, outermost first, so that a fence, prose around it, or a wrapper object do not matter.
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    const grade = end === -1 ? undefined : gradeOf(parseJson(text.slice(start, end + 1)));
    if (grade !== undefined) return grade;
  }
  const loose = /\bscore\b["']?\s*[:=]\s*["']?(\d+(?:\.\d+)?)|\b(\d+(?:\.\d+)?)\s*\/\s*10\b/i.exec(text);
  return loose ? toVerdict(Number(loose[1] ?? loose[2]), undefined) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The index of the brace closing the one at `start`, skipping braces inside strings; -1 when it never closes. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

function gradeOf(value: unknown): Verdict | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { score, reason } = value as { score?: unknown; reason?: unknown };
  const number =
    typeof score === 'number' ? score : typeof score === 'string' && score.trim() !== '' ? Number(score) : Number.NaN;
  return toVerdict(number, typeof reason === 'string' ? reason : undefined);
}

function toVerdict(score: number, reason: string | undefined): Verdict | undefined {
  if (!Number.isFinite(score) || score < 0 || score > 10) return undefined;
  return { score: score / 10, reasons: [`llm judge: ${score}/10${reason ? ` (${reason.trim().slice(0, 200)})` : ''}`] };
}

/**
 * Settles with the promise, or rejects as soon as the signal aborts (a grader that ignores its signal cannot hang us).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[... cut]` : text;
}
