// route: turns a request into an ordered plan of models (primary, then fallbacks), honouring the client's explicit choices.
import type { Capability, ModelQuality } from '../config/schema.js';
import { GatewayError, badRequest, notFound } from '../errors.js';
import type { Registry, ResolvedModel, ResolvedProvider } from '../providers/registry.js';
import type { Candidate, Classification, Plan } from './types.js';

/** What the client asked for about routing. */
export interface RouteRequest {
  /** `auto`, `provider/model`, or a bare model id that any enabled provider serves. */
  model: string;
  /** An ordered fallback list (OpenRouter's `models`), tried after `model`. */
  models?: string[];
  /** Pin a provider. */
  provider?: string;
  mode: ModelQuality;
  /** Output tokens asked for; prompt + these must fit the context window. */
  maxTokens?: number;
  /** Whether the client's key may use a model (`provider/model`); every model when absent. */
  allows?: (ref: string) => boolean;
}

/** Why a provider cannot take a call now (keys resting, circuit open), from the key pool; undefined when it can. */
export type Availability = (provider: ResolvedProvider) => { reason: string; retryAfterMs: number } | undefined;

export const AUTO_MODEL = 'auto';

/** How much each mode weighs quality against speed. */
const MODE_WEIGHTS: Record<ModelQuality, { quality: number; speed: number }> = {
  fastest: { quality: 0.25, speed: 0.75 },
  balanced: { quality: 0.6, speed: 0.4 },
  best_quality: { quality: 0.9, speed: 0.1 },
};
/** Paid models rank after free ones of similar merit. */
const PAID_PENALTY = 0.2;

/**
 * The plan for a request; throws 404 for an unknown model or provider, 403 for a model the client's key may not
 * use, 429 when every fitting model's provider is resting (with the earliest Retry-After), 503 when nothing can serve it.
 */
export function planRoute(registry: Registry, route: RouteRequest, classification: Classification, availability?: Availability): Plan {
  if (route.provider !== undefined && !registry.providers.some((p) => p.id === route.provider)) {
    throw notFound(`provider '${route.provider}' is not enabled`, 'provider_not_found', 'provider');
  }
  const explicit = explicitModels(registry, route);
  const allowed = allowedFilter(registry, route);
  const pool = (explicit ?? registry.models).filter((m) => (route.provider === undefined || m.provider.id === route.provider) && allowed(m));
  const skipped: Plan['skipped'] = [];
  const candidates: Candidate[] = [];
  const resting: number[] = [];
  const down = new Map<ResolvedProvider, ReturnType<Availability>>();
  for (const model of pool) {
    const reason = unfitReason(model, classification, route.maxTokens);
    if (reason !== undefined) {
      skipped.push({ ref: model.ref, reason });
      continue;
    }
    if (availability !== undefined && !down.has(model.provider)) down.set(model.provider, availability(model.provider));
    const unavailable = down.get(model.provider);
    if (unavailable === undefined) candidates.push(score(model, classification, route.mode));
    else {
      skipped.push({ ref: model.ref, reason: unavailable.reason });
      resting.push(unavailable.retryAfterMs);
    }
  }
  // An explicit list keeps the client's order; the router ranks the rest.
  if (explicit === undefined) candidates.sort((a, b) => b.score - a.score);
  if (candidates.length === 0 && resting.length > 0) throw allResting(skipped, Math.min(...resting));
  if (candidates.length === 0) throw noCandidate(registry, skipped, explicit !== undefined);
  return { candidates, skipped, mode: route.mode };
}

/** Keeps the models the client's key may use; a named model it may not use is refused outright (403). */
function allowedFilter(registry: Registry, route: RouteRequest): (model: ResolvedModel) => boolean {
  const { allows } = route;
  if (allows === undefined) return () => true;
  if (route.model !== AUTO_MODEL && !resolveName(registry, route.model).some((model) => allows(model.ref))) {
    throw new GatewayError(`This API key may not use the model '${route.model}'`, { status: 403, type: 'permission_error', code: 'model_not_allowed', param: 'model' });
  }
  return (model) => allows(model.ref);
}

/** 429 with the earliest Retry-After; 503 when no key of any candidate will ever serve (all disabled). */
function allResting(skipped: Plan['skipped'], retryAfterMs: number): GatewayError {
  const why = skipped.map((s) => `${s.ref}: ${s.reason}`).join('; ');
  if (!Number.isFinite(retryAfterMs)) {
    return new GatewayError(`No candidate model has a usable key (${why}): add or validate keys`, {
      status: 503, type: 'service_unavailable', code: 'no_usable_key',
    });
  }
  return new GatewayError(`No key of any candidate model can serve now (${why})`, {
    status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryAfterMs,
  });
}

/** The models the client named, in order, or undefined for `auto`. */
function explicitModels(registry: Registry, route: RouteRequest): ResolvedModel[] | undefined {
  const names = [...(route.model === AUTO_MODEL ? [] : [route.model]), ...(route.models ?? [])];
  if (names.length === 0) return undefined;
  const found = names.map((name, i) => {
    const models = resolveName(registry, name);
    if (models.length === 0 && i === 0 && route.model !== AUTO_MODEL) {
      throw notFound(`The model '${name}' does not exist or no enabled provider serves it`, 'model_not_found', 'model');
    }
    return models;
  });
  const unique = [...new Set(found.flat())];
  if (unique.length === 0) throw notFound(`none of the models in 'models' is served by an enabled provider`, 'model_not_found', 'models');
  return unique;
}

function resolveName(registry: Registry, name: string): ResolvedModel[] {
  const exact = registry.byRef.get(name);
  return exact ? [exact] : (registry.byBareId.get(name) ?? []);
}

function unfitReason(model: ResolvedModel, classification: Classification, maxTokens: number | undefined): string | undefined {
  const { needs } = classification;
  const missing = (['tools', 'vision'] as const).filter((need) => needs[need] && !has(model, need));
  if (missing.length > 0) return `lacks ${missing.join(', ')}`;
  const window = model.config.contextWindow;
  const output = maxTokens ?? 0;
  // The estimate is cheap; count exactly only when it is close to the limit.
  if (classification.estimatedTokens * 2 + output > window && classification.promptTokens() + output > window) {
    return `context window ${window} too small for ${classification.promptTokens()} prompt + ${output} output tokens`;
  }
  return undefined;
}

function has(model: ResolvedModel, capability: Capability): boolean {
  return model.config.capabilities.includes(capability);
}

function score(model: ResolvedModel, classification: Classification, mode: ModelQuality): Candidate {
  const { config } = model;
  const weights = MODE_WEIGHTS[mode];
  const quality = config.strengths?.[classification.task] ?? config.quality;
  const paid = config.costPer1M.input > 0 || config.costPer1M.output > 0;
  const reasons = [`quality ${quality} for ${classification.task}`, `speed ${config.speed}`, `mode ${mode}`];
  if (paid) reasons.push('paid');
  const value = weights.quality * quality + weights.speed * config.speed - (paid ? PAID_PENALTY : 0);
  return { model, score: Math.round(value * 1000) / 1000, reasons };
}

function noCandidate(registry: Registry, skipped: Plan['skipped'], explicit: boolean): GatewayError {
  if (registry.models.length === 0) {
    return new GatewayError('No provider is enabled: add an API key (e.g. GROQ_API_KEY) or a provider in switchboard.yaml', {
      status: 503,
      type: 'service_unavailable',
      code: 'no_provider_enabled',
    });
  }
  const why = skipped.map((s) => `${s.ref}: ${s.reason}`).join('; ');
  if (explicit) return badRequest(`The requested model cannot serve this request (${why})`, 'model', 'model_not_capable');
  return new GatewayError(`No enabled model can serve this request (${why || 'no model matches'})`, {
    status: 503,
    type: 'service_unavailable',
    code: 'no_capable_model',
  });
}
