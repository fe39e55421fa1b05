// One request followed from its route to the end of its response: what the route tells it (run id, model used,
// cache hit, failure), the first chunk sent, and, when the response closes, its row built from that and the run's
// upstream calls.
import type { Request, Response } from 'express';
import { GatewayError } from '../../errors.js';
import { nextReady, type ReadyIterator } from '../../providers/ready-values.js';
import type { ChatCompletionChunk } from '../../providers/types.js';
import type { RequestRecord, UsageRecord } from '../../storage/types.js';
import { truncate } from './content.js';

/** What a route tells the request log about the request it serves. */
export interface RequestTrack {
  /** Whether this request's prompt and answer are logged (content logging on, and no opt-out). */
  readonly logsContent: boolean;
  /** The run id: the upstream calls made under it belong to this request. */
  run(runId: string): void;
  /** The client asked for a stream. */
  streamed(): void;
  /** The model (`provider/model`) that answered. */
  answeredBy(ref: string, provider: string): void;
  /** Answered from the response cache, by `ref`'s cached answer. */
  cacheHit(ref: string | undefined): void;
  /** The request failed with `code` (an agent run that ended in error answers 200 with its failure). */
  failedWith(code: string): void;
  /** The prompt as text, read only when content is logged. */
  prompt(text: () => string): void;
  /** The answer as text, read only when content is logged. */
  answer(text: () => string): void;
  /** The chunks as the client gets them: times the first, keeps the answer's text when logged, notes a failure. */
  watch(chunks: AsyncGenerator<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk>;
  /** Runs the route's work: a throw is noted as the request's failure, then thrown on to the error handler. */
  around(work: () => Promise<void>): Promise<void>;
}

/** What a track needs from the request log. */
export interface TrackDeps {
  route: string;
  logsContent: boolean;
  maxChars: number;
  openRun(runId: string): void;
  /** The run's calls, once its response closed (stops collecting them). */
  closeRun(runId: string): UsageRecord[];
  /** Called once, with the row, when the response has closed (sent whole, or the client went away). */
  done(record: RequestRecord): void;
  now: () => number;
}

/** The model a request named, when it named one (kept short: it is the client's text). */
function modelAsked(req: Request): string | undefined {
  const model: unknown = (req.body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model.slice(0, 256) : undefined;
}

/** A public model id (`provider/model`) and its provider. */
function modelOf(ref: string): { ref: string; provider: string } {
  return { ref, provider: ref.split('/')[0]! };
}

/** Follows `req` / `res` and calls deps.done with its row when `res` closes. */
export function trackRequest(req: Request, res: Response, clientId: string | undefined, deps: TrackDeps): RequestTrack {
  return new Track(req, res, clientId, deps);
}

/**
 * One request's track: a class rather than closures over the request's state, since one is made per request and an
 * object literal of ten closures costs ten function objects each time, where the prototype shares them.
 */
class Track implements RequestTrack {
  readonly logsContent: boolean;
  private readonly ts: number;
  private readonly started = performance.now();
  private runId: string | undefined;
  private stream = false;
  private model: { ref: string; provider: string } | undefined;
  private cached = false;
  private error: string | undefined;
  private ttftMs: number | undefined;
  private promptText: (() => string) | undefined;
  private answerText: (() => string) | undefined;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly clientId: string | undefined,
    private readonly deps: TrackDeps,
  ) {
    this.ts = deps.now();
    this.logsContent = deps.logsContent;
    res.once('close', () => this.close());
  }

  /** The response closed: the row, built from what the route told and the run's calls. */
  private close(): void {
    const { deps, res, runId, model, error, clientId } = this;
    const calls = runId === undefined ? [] : deps.closeRun(runId);
    const aborted = !res.writableFinished;
    const failed = error !== undefined || res.statusCode >= 400;
    const asked = modelAsked(this.req);
    // Built field by field in the order GET /v1/requests shows them (no spread of a conditional object per field).
    const record = { ts: this.ts } as RequestRecord;
    if (runId !== undefined) record.runId = runId;
    record.route = deps.route;
    if (clientId !== undefined) record.clientId = clientId;
    if (asked !== undefined) record.modelAsked = asked;
    if (model !== undefined) {
      record.modelUsed = model.ref;
      record.provider = model.provider;
    }
    record.stream = this.stream;
    record.status = aborted ? 'aborted' : failed ? 'error' : 'ok';
    record.httpStatus = res.statusCode;
    if (error !== undefined) record.error = error;
    const attempts: RequestRecord['attempts'] = [];
    let promptTokens = 0;
    let completionTokens = 0;
    let costUsd = 0;
    for (const c of calls) {
      const attempt: RequestRecord['attempts'][number] = {
        model: c.model,
        provider: c.provider,
        ms: Math.round(c.latencyMs),
      };
      if (c.error !== undefined) attempt.error = c.error;
      attempts.push(attempt);
      promptTokens += c.promptTokens;
      completionTokens += c.completionTokens;
      costUsd += c.costUsd;
    }
    record.attempts = attempts;
    record.latencyMs = Math.round(performance.now() - this.started);
    if (this.ttftMs !== undefined) record.ttftMs = this.ttftMs;
    record.promptTokens = promptTokens;
    record.completionTokens = completionTokens;
    record.costUsd = calls.length === 0 ? null : costUsd;
    record.cacheHit = this.cached;
    const prompt = this.promptText;
    if (deps.logsContent && prompt !== undefined) {
      const said = this.answerText?.();
      record.content = {
        prompt: truncate(prompt(), deps.maxChars),
        ...(said ? { answer: truncate(said, deps.maxChars) } : {}),
      };
    }
    deps.done(record);
  }

  run(id: string): void {
    if (this.runId !== undefined) return;
    this.runId = id;
    this.deps.openRun(id);
  }

  streamed(): void {
    this.stream = true;
  }

  answeredBy(ref: string, provider: string): void {
    this.model = { ref, provider };
  }

  cacheHit(ref: string | undefined): void {
    this.cached = true;
    if (ref !== undefined) this.model = modelOf(ref);
  }

  failedWith(code: string): void {
    this.error = code;
  }

  prompt(text: () => string): void {
    this.promptText = text;
  }

  answer(text: () => string): void {
    this.answerText = text;
  }

  watch(
    chunks: AsyncGenerator<ChatCompletionChunk>,
  ): AsyncGenerator<ChatCompletionChunk> & ReadyIterator<ChatCompletionChunk> {
    const { deps } = this;
    // An iterator rather than an async generator: one promise step per chunk (a stream's chunks pass several layers),
    // none for a chunk the layers below hold already (nextReady).
    let text = '';
    let over = false;
    const finish = () => {
      over = true;
      if (deps.logsContent) this.answerText = () => text;
    };
    const read = (next: IteratorResult<ChatCompletionChunk>): IteratorResult<ChatCompletionChunk> => {
      if (next.done) {
        finish();
        return next;
      }
      const chunk = next.value;
      this.ttftMs ??= Math.round(performance.now() - this.started);
      // A stream continued by another model after a break names it in its chunks from then on (the headers could
      // not): the row names the model that finished the answer.
      if (this.model !== undefined && chunk.model !== this.model.ref) this.model = modelOf(chunk.model);
      if (deps.logsContent && text.length <= deps.maxChars) text += chunk.choices[0]?.delta.content ?? '';
      return next;
    };
    const fail = (err: unknown): never => {
      // sendChatStream turns this into the stream's error event: the response itself still ends "whole".
      this.error = 'upstream_stream_error';
      finish();
      throw err;
    };
    const watched: AsyncGenerator<ChatCompletionChunk> & ReadyIterator<ChatCompletionChunk> = {
      [Symbol.asyncIterator]: () => watched,
      next: () => (over ? Promise.resolve({ done: true, value: undefined }) : chunks.next().then(read, fail)),
      nextReady() {
        const next = over ? undefined : nextReady(chunks);
        return next === undefined ? undefined : read(next);
      },
      return(value) {
        if (!over) finish();
        return chunks.return(value);
      },
      throw(err: unknown) {
        if (over) return Promise.reject(err);
        // As a generator reading `chunks` would: the error noted, `chunks` closed, the error thrown on.
        return chunks.return(undefined).then(
          () => fail(err),
          () => fail(err),
        );
      },
    };
    return watched;
  }

  async around(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.error = err instanceof GatewayError ? (err.code ?? err.type) : 'internal_error';
      throw err;
    }
  }
}
