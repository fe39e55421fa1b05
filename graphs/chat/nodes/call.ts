// call node: one upstream call to the current candidate with a key from the pool; a stream is opened up to its first
// content.
import type { KeyLease } from '../../../src/accounts/key-pool-types.js';
import { withoutSecret } from '../../../src/providers/errors.js';
import { nextReady, type ReadyIterator } from '../../../src/providers/ready-values.js';
import type { RunSignal } from '../../../src/providers/run-signal.js';
import type { ChatCompletionChunk, ChatRequest, Usage } from '../../../src/providers/types.js';
import { firstByteTimeoutMs } from '../../../src/routing/first-byte.js';
import { withOutputCap } from '../../../src/routing/output-cap.js';
import type { Candidate } from '../../../src/routing/types.js';
import type { CallResult, ChatDeps, ChatInput, OpenedStream } from '../context.js';
import { requestKeyOf } from '../request-key.js';
import { estimateUsage } from '../usage.js';

export interface CallInput {
  candidate: Candidate;
  request: ChatRequest;
  stream: boolean;
  signal: RunSignal;
  /**
   * The prompt's token count (counted once, on demand): reserved against token limits, and usage when a provider
   * reports none.
   */
  promptTokens: () => number;
  /** The run's prompt fingerprint, for the provider's circuit (computed only if a call fails). */
  requestKey?: () => string;
  runId?: string;
  clientId?: string;
}

/**
 * The input of a call to `candidate` within the run of `input`: the run's request, stream, signal, run id and client.
 * Callers override what differs (a continuation's messages, an ensemble member asked whole).
 */
export function callInputFor(input: ChatInput, candidate: Candidate, promptTokens: () => number): CallInput {
  return {
    candidate,
    request: input.request,
    stream: input.stream,
    signal: input.signal,
    promptTokens,
    requestKey: () => requestKeyOf(input.request),
    runId: input.emitter.runId,
    ...(input.client === undefined ? {} : { clientId: input.client.id }),
  };
}

/**
 * Calls the candidate's provider with a key from the pool (KeyUnavailableError when none can serve); throws the
 * adapter's ProviderError on failure, with the key masked wherever the provider echoed it, since messages reach the
 * client and the logs. The key's lease is settled when the call ends: at once, or when the stream is done.
 */
export async function callModel(deps: ChatDeps, input: CallInput): Promise<CallResult> {
  const { candidate, stream, signal } = input;
  const { provider, config } = candidate.model;
  const request = withOutputCap(input.request, config.maxOutputTokens);
  const adapter = deps.adapters[provider.protocol];
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const firstByteMs = firstByteTimeoutMs(deps.stats?.get(candidate.model.ref), { stream, maxTokens }, deps.timeouts);
  const started = deps.now();
  const lease = await deps.keys.acquire(candidate.model, {
    tokens: () => input.promptTokens() + (maxTokens ?? 0),
    // A wait for a slot of a busy provider counts in the first byte's time, and leaves the upstream half of it.
    waitMs: Math.ceil(firstByteMs / 2),
    signal,
    ...(input.requestKey === undefined ? {} : { requestKey: input.requestKey }),
    ...(input.runId === undefined ? {} : { runId: input.runId }),
    ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
  });
  const { apiKey } = lease;
  const ctx = {
    baseUrl: provider.baseUrl,
    apiKey,
    model: config.id,
    signal,
    timeouts: { ...deps.timeouts, firstByteMs: Math.max(1, firstByteMs - (deps.now() - started)) },
    pool: provider.id,
    headers: provider.headers,
    maxTokensField: provider.maxTokensField,
    onHeaders: lease.onHeaders,
  };
  try {
    if (!stream) {
      const completion = await adapter.chat(request, ctx);
      completion.usage ??= estimateUsage(input.promptTokens(), completion.choices[0]?.message.content ?? '');
      lease.settle({ usage: completion.usage });
      return { kind: 'completion', completion };
    }
    const afterFinishMs = Math.min(deps.timeouts.idleMs, AFTER_FINISH_MS);
    const chunks = new Accounted(adapter.stream(request, ctx), lease, input, afterFinishMs);
    const opened = await openStream(chunks[Symbol.asyncIterator]());
    lease.firstContent();
    return { kind: 'stream', stream: opened };
  } catch (err) {
    const masked = withoutSecret(err, apiKey);
    lease.settle({ error: masked, aborted: signal.aborted });
    throw masked;
  }
}

/**
 * After the last finish_reason of a stream, how long the rest (the usage chunk, the end) may take before the answer
 * is taken as complete: a stream that has finished is an answer, whatever its connection does next.
 */
const AFTER_FINISH_MS = 1_000;

/**
 * The upstream chunks with the key masked in any error, and the lease settled when the stream ends, breaks or is
 * dropped. Once every choice has its finish_reason the answer is whole: a failure after it ends the stream as it is,
 * and so does silence longer than `afterFinishMs` (never another model's text after finish_reason). An iterator, not
 * an async generator: one promise step per chunk rather than a generator's (a stream's chunks pass several layers),
 * and none for a chunk the upstream's reader holds already (`nextReady`).
 */
class Accounted implements AsyncIterableIterator<ChatCompletionChunk>, ReadyIterator<ChatCompletionChunk> {
  private readonly upstream: AsyncIterator<ChatCompletionChunk>;
  private usage: Usage | undefined;
  private text = '';
  private over = false;
  private readonly finishedChoices = new Set<number>();

  constructor(
    chunks: AsyncIterable<ChatCompletionChunk>,
    private readonly lease: KeyLease,
    private readonly input: CallInput,
    private readonly afterFinishMs: number,
  ) {
    this.upstream = chunks[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.over) return Promise.resolve(END);
    const next = this.finished() ? orEndAfter(this.upstream.next(), this.afterFinishMs) : this.upstream.next();
    return next.then(this.read, this.fail);
  }

  /** A chunk in hand wins over the silence after the finish whatever its length, so it is taken as `next` would. */
  nextReady(): IteratorResult<ChatCompletionChunk> | undefined {
    if (this.over) return undefined;
    const next = nextReady(this.upstream);
    return next === undefined ? undefined : this.read(next);
  }

  /** Dropped before its end (client gone, answer rejected): what was produced counts, and the upstream read stops. */
  return(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (!this.over) this.end(false);
    return Promise.resolve(END);
  }

  private finished(): boolean {
    return this.finishedChoices.size >= (this.input.request.n ?? 1);
  }

  private readonly read = (next: IteratorResult<ChatCompletionChunk>): IteratorResult<ChatCompletionChunk> => {
    if (this.over) return END;
    if (next.done) {
      this.end(true);
      return END;
    }
    const chunk = next.value;
    if (chunk.usage) this.usage = chunk.usage;
    this.text += chunk.choices[0]?.delta.content ?? '';
    for (const choice of chunk.choices) if (choice.finish_reason !== null) this.finishedChoices.add(choice.index);
    return next;
  };

  private readonly fail = (err: unknown): IteratorResult<ChatCompletionChunk> => {
    if (this.over) return END;
    if (this.finished()) {
      // Ended after its finish: the answer is whole.
      this.end(true);
      return END;
    }
    const masked = withoutSecret(err, this.lease.apiKey);
    this.lease.settle({ error: masked, aborted: this.input.signal.aborted });
    this.end(false);
    throw masked;
  };

  /** The lease settled with what was produced; the upstream let go unless it ended before its finish. */
  private end(ended: boolean): void {
    this.over = true;
    this.lease.settle({ usage: this.usage ?? estimateUsage(this.input.promptTokens(), this.text), aborted: !ended });
    // Its pending read, if any, settles on its own.
    if (!ended || this.finished()) this.upstream.return?.()?.catch(() => undefined);
  }
}

const END: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** `next`, or the end if it takes longer than `ms`; a failure of `next` after that is ignored. */
function orEndAfter<T>(next: Promise<IteratorResult<T>>, ms: number): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<IteratorResult<T>>((resolve) => {
    timer = setTimeout(() => resolve(END), ms);
  });
  next.catch(() => undefined);
  return Promise.race([next, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads a stream until its first chunk with content (text, tool call or refusal), so that a failure
 * or an empty answer before anything reaches the client can still fall back to another model.
 */
async function openStream(rest: AsyncIterator<ChatCompletionChunk>): Promise<OpenedStream> {
  const head: ChatCompletionChunk[] = [];
  for (;;) {
    const next = await rest.next();
    if (next.done) return { head, rest, done: true };
    head.push(next.value);
    if (hasContent(next.value)) return { head, rest, done: false };
  }
}

/**
 * A finish_reason alone is not content, nor is white space: a stream that finishes first is read to its end, then
 * judged as empty, as the judge judges an answer sent whole whose text is only white space (`checkEmpty`).
 */
function hasContent(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some(
    ({ delta }) => !!delta.content?.trim() || !!delta.refusal || (delta.tool_calls?.length ?? 0) > 0,
  );
}
