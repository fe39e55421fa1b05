// The plan of an embeddings request: the model that answers and its stand-ins, every one writing to the same vector
// space (one family, one length), so that a fallback can never hand the client vectors it cannot compare.
import { clientError } from '../accounts/failure-policy.js';
import { canReturn, defaultDimensions, familyOf, isEmbeddingModel } from '../catalog/embedding-models.js';
import type { ResolvedCatalog, ResolvedModel, ResolvedProvider } from '../catalog/types.js';
import { GatewayError, badRequest, notFound } from '../errors.js';
import { type Availability, namedModels } from './plan.js';
import type { Candidate, Plan } from './types.js';

/** What the client asked for about routing an embeddings request. */
export interface EmbeddingRoute {
  /** `auto`, `provider/model`, a bare model id, or a family (`bge-m3`). */
  model: string;
  /** Switchboard's ordered fallback list: models of the same family and length only. */
  models?: string[];
  /** Pin a provider. */
  provider?: string;
  /** A length other than the model's default. */
  dimensions?: number;
  /** Whether the client's key may use a model (`provider/model`); every model when absent. */
  allows?: (ref: string) => boolean;
  /** Whether a model can take the request's inputs (token ids go only to APIs that take them). */
  takes?: (model: ResolvedModel) => boolean;
}

/** The plan: candidates in order (a Plan, so the run's fallback reads it as chat's does), their space and length. */
export interface EmbeddingPlan extends Plan {
  family: string;
  dimensions: number;
}

/**
 * Plans an embeddings request. The first model is the one the client named (the first of `model`, then `models`), or
 * for `auto` the free embedding model with the highest quality prior (then paid ones; catalog order breaks ties): never the one that is
 * free now, since a client indexing with `auto` today and querying tomorrow must get the same space. Its stand-ins
 * are the other models of its family that return the same length. Throws 404 (unknown model or provider), 403 (the
 * key may not use the model), 400 (a chat model, a length the model cannot return, a `models` list that mixes
 * families), and when every candidate's provider is unavailable, the failure policy's 429 / 503 with its Retry-After.
 */
export function planEmbedding(
  registry: ResolvedCatalog,
  route: EmbeddingRoute,
  availability?: Availability,
): EmbeddingPlan {
  if (route.provider !== undefined && !registry.providers.some((p) => p.id === route.provider))
    throw notFound(`provider '${route.provider}' is not enabled`, 'provider_not_found', 'provider');
  const named = namedModels(registry, route, resolveName);
  const usable = (model: ResolvedModel) =>
    isEmbeddingModel(model) &&
    model.provider.embeddings !== undefined &&
    (route.provider === undefined || model.provider.id === route.provider) &&
    (route.allows?.(model.ref) ?? true) &&
    (route.takes?.(model) ?? true);
  const fits = (model: ResolvedModel) => route.dimensions === undefined || canReturn(model, route.dimensions);
  const pool = registry.models.filter(usable).sort(byPreference);
  const primary = named === undefined ? pool.find(fits) : named.find((m) => usable(m));
  if (primary === undefined) throw nothingServes(registry, route, named, pool);
  if (!fits(primary)) throw cannotReturn(primary, route.dimensions!);
  const family = familyOf(primary);
  const dimensions = route.dimensions ?? defaultDimensions(primary);
  const sameSpace = (m: ResolvedModel) => usable(m) && familyOf(m) === family && canReturn(m, dimensions);
  for (const model of named ?? []) {
    if (usable(model) && !sameSpace(model))
      throw badRequest(
        `'${model.ref}' writes to another vector space than '${primary.ref}' (family ${family}, ${dimensions} dimensions): a fallback list may only name models of one family and length`,
        'models',
        'mixed_vector_spaces',
      );
  }
  const ordered = [...new Set([...(named ?? []).filter(sameSpace), ...pool.filter(sameSpace)])];
  const skipped: Plan['skipped'] = [];
  const down: Array<{ provider: ResolvedProvider; why: NonNullable<ReturnType<Availability>> }> = [];
  const candidates: Candidate[] = [];
  for (const model of ordered) {
    const unavailable = availability?.(model.provider);
    if (unavailable === undefined) {
      candidates.push({ model, score: model.config.quality, reasons: [`family ${family}, ${dimensions} dimensions`] });
      continue;
    }
    skipped.push({ ref: model.ref, reason: unavailable.reason });
    down.push({ provider: model.provider, why: unavailable });
  }
  if (candidates.length === 0) {
    const soonest = down.reduce((a, b) => (b.why.retryAfterMs < a.why.retryAfterMs ? b : a)).why;
    const why = skipped.map((s) => `${s.ref}: ${s.reason}`).join('; ');
    const detail = `${why} (no other model serves ${family} at ${dimensions} dimensions)`;
    throw clientError(soonest.kind, detail, soonest.retryAfterMs);
  }
  const plan: EmbeddingPlan = { candidates, skipped, mode: 'balanced', family, dimensions };
  if (down.length > 0) plan.unavailable = [...new Set(down.map((d) => d.provider))];
  return plan;
}

/** Free models first (a free tier before a paid key), then by quality prior; the sort is stable (catalog order). */
function byPreference(a: ResolvedModel, b: ResolvedModel): number {
  const paid = (m: ResolvedModel) => (m.config.costPer1M.input > 0 ? 1 : 0);
  return paid(a) - paid(b) || b.config.quality - a.config.quality;
}

/** A name on the embeddings door: a `provider/model`, a bare id, or a family (`bge-m3`). */
function resolveName(registry: ResolvedCatalog, name: string): ResolvedModel[] {
  const exact = registry.byRef.get(name);
  if (exact !== undefined) return [exact];
  const bare = registry.byBareId.get(name);
  if (bare !== undefined) return bare;
  return registry.models.filter((model) => isEmbeddingModel(model) && model.config.family === name);
}

/** Why no model can take the request: the named model is a chat model, or not the key's, or nothing fits. */
function nothingServes(
  registry: ResolvedCatalog,
  route: EmbeddingRoute,
  named: ResolvedModel[] | undefined,
  pool: ResolvedModel[],
): GatewayError {
  const first = named?.[0];
  if (first !== undefined && !isEmbeddingModel(first))
    return badRequest(
      `'${first.ref}' is a chat model: it serves /v1/chat/completions, not /v1/embeddings`,
      'model',
      'model_not_capable',
    );
  if (first !== undefined && route.allows !== undefined && !named!.some((m) => route.allows!(m.ref)))
    return new GatewayError(`This API key may not use the model '${route.model}'`, {
      status: 403,
      type: 'permission_error',
      code: 'model_not_allowed',
      param: 'model',
    });
  if (first !== undefined && route.takes !== undefined && !named!.some((m) => route.takes!(m)))
    return badRequest(`'${first.ref}' takes texts, not token ids`, 'input', 'token_input_not_supported');
  if (first !== undefined && first.provider.embeddings === undefined)
    return badRequest(`'${first.ref}': its provider has no embeddings API`, 'model', 'model_not_capable');
  if (first !== undefined)
    return notFound(`provider '${route.provider}' does not serve '${first.ref}'`, 'model_not_found', 'model');
  if (pool.length > 0 && route.dimensions !== undefined)
    return badRequest(
      `No embedding model can return ${route.dimensions} dimensions`,
      'dimensions',
      'dimensions_not_supported',
    );
  if (registry.models.some(isEmbeddingModel))
    return badRequest('No enabled embedding model can serve this request', 'model', 'no_capable_model');
  return new GatewayError('No embedding model is enabled: add a key of a provider that has one (GEMINI_API_KEY, say)', {
    status: 503,
    type: 'service_unavailable',
    code: 'no_embedding_model',
  });
}

function cannotReturn(model: ResolvedModel, length: number): GatewayError {
  const { dimensions, dimensionOptions } = model.config;
  const options =
    dimensionOptions === undefined
      ? `only ${dimensions}`
      : Array.isArray(dimensionOptions)
        ? `${[...new Set([...dimensionOptions, dimensions])].join(', ')}`
        : `${dimensionOptions.min} to ${dimensions}`;
  return badRequest(
    `'${model.ref}' cannot return ${length} dimensions (it returns ${options})`,
    'dimensions',
    'dimensions_not_supported',
  );
}
