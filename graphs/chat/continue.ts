// Mid-stream failover: a stream that breaks after text reached the client is finished by the next model of the plan,
// given the conversation plus the partial answer, so that the client sees one uninterrupted answer.
import { FAILURE_POLICY, failureKindOf } from '../../src/accounts/failure-policy.js';
import type { ChatCompletionChunk, ChatMessage } from '../../src/providers/types.js';
import { nextStep } from '../../src/routing/next-attempt.js';
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

/**
 * Finds a model to continue `partial` after the stream broke with `error`; undefined when none may (the failure
 * policy tries no other model after that failure, no candidate is left, the run's attempts or time are spent) or none
 * could.
 */
export type ContinueStream = (partial: string, error: unknown) => Promise<Continued | undefined>;

export interface ContinuationOptions {
  deps: ChatDeps;
  input: ChatInput;
  plan: Plan;
  /** The model whose stream broke. */
  from: Candidate;
  promptTokens: () => number;
  /** Upstream calls the run made so far, when it started, and the providers it left out. */
  calls: number;
  startedAt: number;
  leftOut: ReadonlySet<string>;
}

/**
 * Tries the plan's candidates after `from`, in order, each at most once over the whole stream, as the failure policy
 * says: within the run's attempts and time budget, leaving out the providers the run left out and those whose failure
 * says so; a failure that tries no other model ends the search.
 */
export function createContinuation(options: ContinuationOptions): ContinueStream {
  const { deps, input, plan } = options;
  const { candidates } = plan;
  let index = candidates.indexOf(options.from);
  let calls = options.calls;
  let leftOut = options.leftOut;
  const progress = () => ({
    candidates,
    index,
    calls,
    startedAt: options.startedAt,
    now: deps.now(),
    aborted: input.signal.aborted,
    skipped: leftOut,
  });
  const noOtherKey = () => false;
  return async (partial, error) => {
    // The stream sent text before it broke: the break is the stream's, unless its kind says otherwise.
    let kind = failureKindOf(error, true);
    for (;;) {
      const next = nextStep(progress(), kind, deps.routing, noOtherKey);
      if (next.step !== 'next_model') return undefined;
      index = next.index;
      const candidate = candidates[index]!;
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
        calls += 1;
        if (result.kind === 'stream')
          return { ref: candidate.model.ref, chunks: withHead(result.stream.head, result.stream.rest) };
        kind = 'judge_rejected';
      } catch (err) {
        kind = failureKindOf(err);
        const policy = FAILURE_POLICY[kind];
        if (policy.attempt) calls += 1;
        if (policy.skipProvider) leftOut = new Set([...leftOut, candidate.model.provider.id]);
      }
    }
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
