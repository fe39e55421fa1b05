// The optional second opinion on a classification (`routing.llmClassifier`): a fast model labels the prompts the
// learned classifier is unsure of. One fixed instruction (providers cache a repeated prefix), the prompt clipped, a
// reply of a few tokens, a time budget, and the answers remembered per prompt. Any failure is "no opinion".
import { DOMAINS, TASKS, type Domain, type Task } from '../config/schema.js';
import type { ChatCompletion, ChatRequest } from '../providers/types.js';
import { raceAbort } from './llm-judge.js';

/** One completion from the classifier model (the graph routes it to the model); must honour the signal. */
export type AskModel = (request: ChatRequest, signal: AbortSignal) => Promise<ChatCompletion>;

/** Which model classifies, and how long it may take. */
export interface LlmClassifierOptions {
  /** `provider/model` of the classifier model. */
  model: string;
  timeoutMs: number;
  /** Prompts whose answer is remembered, the least recently used forgotten first. */
  cacheSize: number;
}

/** A task and domain, as the classifier model said. */
export interface LlmOpinion {
  task: Task;
  domain: Domain;
}

export interface LlmClassifier {
  /**
   * The model's labels for `prompt` (asked through `ask` unless remembered), or undefined when it failed, timed out,
   * was aborted or said nothing usable.
   */
  classify(prompt: string, ask: AskModel, signal: AbortSignal): Promise<LlmOpinion | undefined>;
  /** The answer remembered for `prompt`, asking nothing (what POST /v1/routing/explain shows). */
  remembered(prompt: string): LlmOpinion | undefined;
}

/** The start of a prompt says what it asks; its end often the question about a pasted text. */
const HEAD_CHARS = 1200;
const TAIL_CHARS = 300;

const INSTRUCTIONS =
  'Classify the user message for a model router. Reply with only JSON: {"task": "<task>", "domain": "<domain>"}.\n' +
  'task: code (write, fix, explain code or tools), math (anything computed: sums, word problems, proofs), ' +
  'reasoning (logic puzzles, planning, decisions with trade-offs), creative_writing (stories, poems, speeches, ' +
  'slogans), roleplay (the assistant plays a character), extraction (pull data out of given text, label it), ' +
  'summarization (shorten given text), translation (render text in another language), knowledge (facts, ' +
  'explanations), chat (small talk, advice, opinions, anything else).\n' +
  'domain: medical, legal, finance or science when answering needs that expertise, else general.';

/** Builds the second-opinion classifier over `options.ask`. */
export function createLlmClassifier(options: LlmClassifierOptions): LlmClassifier {
  const cache = new Map<string, LlmOpinion>();
  return {
    remembered: (prompt) => cache.get(clip(prompt)),
    async classify(prompt, ask, signal) {
      const text = clip(prompt);
      const known = cache.get(text);
      if (known !== undefined) {
        cache.delete(text);
        cache.set(text, known);
        return known;
      }
      if (signal.aborted) return undefined;
      const both = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
      try {
        const completion = await raceAbort(ask(classifyingRequest(options.model, text), both), both);
        const reply = completion.choices[0]?.message.content;
        const opinion = typeof reply === 'string' ? parseOpinion(reply) : undefined;
        if (opinion !== undefined && options.cacheSize > 0) {
          if (cache.size >= options.cacheSize) cache.delete(cache.keys().next().value!);
          cache.set(text, opinion);
        }
        return opinion;
      } catch {
        return undefined;
      }
    },
  };
}

/** What the model is shown of a prompt (and the key of its remembered answer): its start and end when it is long. */
function clip(prompt: string): string {
  return prompt.length > HEAD_CHARS + TAIL_CHARS
    ? `${prompt.slice(0, HEAD_CHARS)}\n[...]\n${prompt.slice(-TAIL_CHARS)}`
    : prompt;
}

function classifyingRequest(model: string, text: string): ChatRequest {
  return {
    model,
    messages: [
      { role: 'system', content: INSTRUCTIONS },
      { role: 'user', content: `<message>\n${text}\n</message>` },
    ],
    temperature: 0,
    max_tokens: 30,
    response_format: { type: 'json_object' },
  };
}

/** The task and domain of a reply: a JSON object's fields, else the first task named; the domain is general unless named. */
export function parseOpinion(reply: string): LlmOpinion | undefined {
  const lower = reply.toLowerCase();
  const object = /\{[^{}]*\}/.exec(lower);
  let fields: { task?: unknown; domain?: unknown } = {};
  try {
    if (object !== null) fields = JSON.parse(object[0]) as typeof fields;
  } catch {
    // Not JSON: look for the names in the text below.
  }
  const task = TASKS.find((t) => t === fields.task) ?? TASKS.find((t) => new RegExp(`\\b${t}\\b`).test(lower));
  if (task === undefined) return undefined;
  const domain = DOMAINS.find((d) => d === fields.domain) ?? 'general';
  return { task, domain };
}
