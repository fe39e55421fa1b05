// Runs one embeddings request: its inputs cut into batches within the model's limit, each batch sent with a key from the
// pool (its limits, usage and request log as for chat), and on a failure what the failure policy says: another key,
// or the next model of the same vector space, which goes on from the first batch not yet done.
import { createHash } from 'node:crypto';
import { isKeyUnavailable } from '../../accounts/errors.js';
import { FAILURE_POLICY, failureKindOf } from '../../accounts/failure-policy.js';
import type { KeyPool } from '../../accounts/key-pool-types.js';
import { defaultDimensions } from '../../catalog/embedding-models.js';
import type { ResolvedCatalog, ResolvedModel } from '../../catalog/types.js';
import type { Config } from '../../config/schema.js';
import { GatewayError } from '../../errors.js';
import type { Embedders } from '../../providers/embedding-protocols.js';
import type { EmbedRequest, EmbeddingAdapter } from '../../providers/embedding-types.js';
import { ProviderError, withoutSecret } from '../../providers/errors.js';
import { planEmbedding, type EmbeddingPlan, type EmbeddingRoute } from '../../routing/embedding-plan.js';
import { earliestServeMs, nextStep } from '../../routing/next-attempt.js';
import { tokens } from '../../routing/tokens.js';
import type { Attempt } from '../../../graphs/chat/context.js';
import { failureFromAttempts } from '../../../graphs/chat/edges.js';

/** What an embeddings run needs: the catalog, the embedding adapters, the key pool, the run budget and timeouts. */
export interface EmbeddingDeps {
  registry: ResolvedCatalog;
  embedders: Embedders;
  keys: KeyPool;
  routing: Pick<Config['routing'], 'maxAttempts' | 'totalTimeoutMs'>;
  timeouts: Config['timeouts'];
  now: () => number;
}

/** One embeddings request as the route parsed it. */
export interface EmbeddingJob {
  input: string[] | number[][];
  route: Omit<EmbeddingRoute, 'takes'>;
  inputType?: EmbedRequest['inputType'];
  signal: AbortSignal;
  runId: string;
  clientId?: string;
}

/** The vectors, one per input in order, the model that made the last of them, the tokens, and the models tried. */
export interface EmbeddingOutcome {
  vectors: number[][];
  model: ResolvedModel;
  promptTokens: number;
  /** Models called (the one that answered and those that failed before it), as chat's `x-switchboard-attempts`. */
  attempts: number;
}

/** Runs `job`; throws the router's GatewayError, or the failure policy's for the last failure when every try failed. */
export async function runEmbeddings(deps: EmbeddingDeps, job: EmbeddingJob): Promise<EmbeddingOutcome> {
  const tokenInput = job.input.length > 0 && typeof job.input[0] !== 'string';
  const adapterOf = (model: ResolvedModel) => deps.embedders[model.provider.embeddings!.protocol];
  const route = { ...job.route, ...(tokenInput ? { takes: (m: ResolvedModel) => adapterOf(m).tokenInput } : {}) };
  const plan = planEmbedding(deps.registry, route, (provider) => deps.keys.unavailable(provider));
  const done: number[][] = [];
  const attempts: Attempt[] = [];
  const startedAt = deps.now();
  const leftOut = new Set<string>();
  let index = 0;
  let promptTokens = 0;
  for (;;) {
    const model = plan.candidates[index]!.model;
    const size = Math.min(adapterOf(model).maxBatch, model.config.maxBatch ?? Number.POSITIVE_INFINITY);
    const started = deps.now();
    try {
      // The vectors a model before it made stay: same family, same length, same vectors. This one does the rest.
      while (done.length < job.input.length) {
        const batch = job.input.slice(done.length, done.length + size) as string[] | number[][];
        const made = await embedBatch(deps, adapterOf(model), model, plan, job, batch);
        done.push(...made.vectors);
        promptTokens += made.tokens;
      }
      return { vectors: done, model, promptTokens, attempts: attempts.filter((a) => !a.skipped).length + 1 };
    } catch (err) {
      const kind = failureKindOf(err);
      const attempt: Attempt = { ref: model.ref, ms: deps.now() - started, kind };
      if (err instanceof Error) attempt.error = err;
      if (isKeyUnavailable(err)) attempt.skipped = true;
      attempts.push(attempt);
      if (FAILURE_POLICY[kind].skipProvider) leftOut.add(model.provider.id);
      const progress = {
        candidates: plan.candidates,
        index,
        calls: attempts.filter((a) => !a.skipped).length,
        startedAt,
        now: deps.now(),
        aborted: job.signal.aborted,
        skipped: leftOut,
      };
      const next = nextStep(progress, kind, deps.routing, (p) => deps.keys.unavailable(p) === undefined);
      if (next.step === 'next_model') index = next.index;
      if (next.step !== 'stop') continue;
      const failed = failureFromAttempts(
        attempts,
        err,
        earliestServeMs(plan, (p) => deps.keys.unavailable(p), attempts),
      );
      const othersLeft = plan.candidates.slice(index + 1).some((c) => !leftOut.has(c.model.provider.id));
      throw FAILURE_POLICY[kind].nextModel && !othersLeft ? withSpace(failed, plan) : failed;
    }
  }
}

/** One upstream call for one batch, with a key leased for it and settled with its usage or its failure. */
async function embedBatch(
  deps: EmbeddingDeps,
  adapter: EmbeddingAdapter,
  model: ResolvedModel,
  plan: EmbeddingPlan,
  job: EmbeddingJob,
  input: string[] | number[][],
): Promise<{ vectors: number[][]; tokens: number }> {
  const { provider } = model;
  const counted = () => countTokens(input);
  const firstByteMs = deps.timeouts.firstByteMs;
  const lease = await deps.keys.acquire(model, {
    tokens: counted,
    waitMs: Math.ceil(firstByteMs / 2),
    signal: job.signal,
    requestKey: () => fingerprint(job.input),
    runId: job.runId,
    ...(job.clientId === undefined ? {} : { clientId: job.clientId }),
  });
  const request: EmbedRequest = {
    input,
    // A model is asked for a length only when it is not its default (most APIs refuse the field otherwise).
    ...(plan.dimensions === defaultDimensions(model) ? {} : { dimensions: plan.dimensions }),
    ...(job.inputType === undefined ? {} : { inputType: job.inputType }),
  };
  const { inputTypes } = model.config;
  const modelInputType = inputTypes?.[job.inputType ?? 'search_document'] ?? inputTypes?.search_document;
  if (modelInputType !== undefined) request.modelInputType = modelInputType;
  try {
    const result = await adapter.embed(request, {
      baseUrl: provider.embeddings!.baseUrl,
      apiKey: lease.apiKey,
      model: model.config.id,
      signal: job.signal,
      timeouts: deps.timeouts,
      pool: provider.id,
      headers: provider.headers,
      onHeaders: lease.onHeaders,
    });
    const wrong = result.vectors.find((vector) => vector.length !== plan.dimensions);
    if (wrong !== undefined)
      throw new ProviderError(`upstream returned ${wrong.length} dimensions where ${plan.dimensions} were asked for`, {
        kind: 'server',
        status: 200,
      });
    const used = result.promptTokens ?? counted();
    lease.settle({ usage: { prompt_tokens: used, completion_tokens: 0, total_tokens: used } });
    return { vectors: result.vectors, tokens: used };
  } catch (err) {
    const masked = withoutSecret(err, lease.apiKey);
    lease.settle({ error: masked, aborted: job.signal.aborted });
    throw masked;
  }
}

/**
 * Tokens of a batch, for a provider that reports none and for token budgets: token ids are counted, texts by the
 * bounded counter (exact up to 8K characters, from a sample above), so that 2,048 long inputs cost no more than a long
 * prompt does.
 */
function countTokens(input: string[] | number[][]): number {
  if (typeof input[0] !== 'string') return (input as number[][]).reduce((sum, ids) => sum + ids.length, 0);
  return tokens.countJoined(input as string[]);
}

/** A fingerprint of the request's inputs, for the circuit (one request retried counts once). */
function fingerprint(input: string[] | number[][]): string {
  return createHash('sha1')
    .update(JSON.stringify(input.slice(0, 4)))
    .update(String(input.length))
    .digest('hex');
}

/** The run's error, saying that no other model of its vector space was left to try. */
function withSpace(err: GatewayError, plan: EmbeddingPlan): GatewayError {
  const note = `no other model serves ${plan.family} at ${plan.dimensions} dimensions`;
  return new GatewayError(`${err.message}; ${note}`, {
    status: err.status,
    type: err.type,
    code: err.code,
    param: err.param,
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
  });
}
