// Mid-stream failover: a stream that breaks after text reached the client is finished by the next model of the plan,
// given the conversation plus the partial answer, so that the client sees one uninterrupted answer.
import type { ChatCompletionChunk, ChatMessage } from '../../src/providers/types.js';
import type { Candidate, Plan } from '../../src/routing/types.js';
import type { ChatDeps, ChatInput } from './context.js';
import { callInputFor, callModel } from './nodes/call.js';

/**
 * What the next model is asked after the partial answer: no model continues a bare prefix reliably over every protocol.
 */
export const CONTINUE_PROMPT =
  'Your previous answer was cut off. Continue it exactly where it stopped, mid-word if need be: do not repeat any of it, ' +
  'do not acknowledge this message, add no preamble.';

/** A continuation that started: which model, and its chunks (head included). */
export interface Continued {
  ref: string;
  chunks: AsyncIterator<ChatCompletionChunk>;
}

/** Finds a model to continue `partial`; undefined when none could (no candidate left, or every one failed). */
export type ContinueStream = (partial: string) => Promise<Continued | undefined>;

export interface ContinuationOptions {
  deps: ChatDeps;
  input: ChatInput;
  plan: Plan;
  /** The model whose stream broke. */
  from: Candidate;
  promptTokens: () => number;
  /** Upstream calls the run may still make. */
  callsLeft: number;
}

/** Tries the plan's candidates after `from`, in order, each at most once over the whole stream. */
export function createContinuation(options: ContinuationOptions): ContinueStream {
  const { deps, input, plan } = options;
  const queue = plan.candidates.slice(plan.candidates.indexOf(options.from) + 1);
  let callsLeft = options.callsLeft;
  return async (partial) => {
    while (queue.length > 0 && callsLeft > 0 && !input.signal.aborted) {
      const candidate = queue.shift()!;
      callsLeft -= 1;
      const messages: ChatMessage[] = [
        ...input.request.messages,
        { role: 'assistant', content: partial },
        { role: 'user', content: CONTINUE_PROMPT },
      ];
      try {
        const result = await callModel(deps, {
          ...callInputFor(input, candidate, options.promptTokens),
          request: { ...input.request, messages, stream: true },
          stream: true,
        });
        if (result.kind !== 'stream') continue;
        const { head, rest } = result.stream;
        return { ref: candidate.model.ref, chunks: withHead(head, rest) };
      } catch {
        // That one failed too: the next candidate, if any, continues instead.
      }
    }
    return undefined;
  };
}

async function* withHead(
  head: ChatCompletionChunk[],
  rest: AsyncIterator<ChatCompletionChunk>,
): AsyncGenerator<ChatCompletionChunk> {
  yield* head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Shortest overlap worth trimming: shorter matches are as likely to be a legitimate repeat ("the the"). */
const MIN_OVERLAP = 6;

/**
 * `start` without what it repeats of the end of `partial`: a continuing model often restarts the last words. Only an
 * overlap of at least MIN_OVERLAP characters is trimmed.
 */
export function trimOverlap(partial: string, start: string): string {
  for (let k = Math.min(partial.length, start.length); k >= MIN_OVERLAP; k--) {
    if (partial.endsWith(start.slice(0, k))) return start.slice(k);
  }
  return start;
}
