// route: ranks every enabled model for a request into an ordered plan (primary, then fallbacks), honouring the
// client's explicit choices first, then the config's routing rules, then the scores (src/routing/score.ts).
import type { UnavailableKind } from '../accounts/errors.js';
import { clientError } from '../accounts/failure-policy.js';
import type { RoutingRule } from '../config/routing-schema.js';
import type { ModelQuality } from '../config/schema.js';
import { GatewayError, badRequest, notFound } from '../errors.js';
import { isEmbeddingModel } from '../catalog/embedding-models.js';
import type { ResolvedCatalog, ResolvedModel, ResolvedProvider } from '../catalog/types.js';
import { matchRule, orderByRule } from './rules.js';
import type { Bandit } from './bandit.js';
import { scoreModel, unfitReason, type ArmInput, type RankedCandidate } from './score.js';
import type { Classification, Plan, StatsView } from './types.js';
import { modeWeights } from './weights.js';

/**
 * What the client asked for about routing besides the model. The model it named stays in its request
 * (`ChatRequest.model`): one field, read by the router through `RouteRequest`.
 */
export interface RouteOptions {
  /** An ordered fallback list (OpenRouter's `models`), tried after `model`. */
  models?: string[];
  /** Pin a provider. */
  provider?: string;
  mode: ModelQuality;
  /** The client chose `mode` (model_quality); otherwise a matching rule's mode replaces the default. */
  modeExplicit?: boolean;
  /** Output tokens asked for; prompt + these must fit the context window. */
  maxTokens?: number;
  /** Whether the client's key may use a model (`provider/model`); every model when absent. */
  allows?: (ref: string) => boolean;
}

/** What the client asked for about routing: the model it named, and its other routing fields. */
export interface RouteRequest extends RouteOptions {
  /** `auto`, `provider/model`, or a bare model id that any enabled provider serves. */
  model: string;
}

/**
 * Why a provider cannot take a call now (keys resting or disabled, circuit open) and when it may again, from the key
 * pool; undefined when it can.
 */
export type Availability = (
  provider: ResolvedProvider,
) => { kind: UnavailableKind; reason: string; retryAfterMs: number } | undefined;

/** What the gateway knows besides the request: each part optional, so a plan can be made from the catalog alone. */
export interface RouteContext {
  /** Providers that cannot take a call now: their models are skipped (429/503 when that leaves none). */
  availability?: Availability;
  /** Live stats (blended into scores) and pruning (pruned models are skipped). */
  stats?: StatsView;
  /** The config's routing rules; the first that matches applies. */
  rules?: readonly RoutingRule[];
  /**
   * The rule the request already matched (route-context.ts matches once per request), used when `rules` is absent:
   * the request graph's cache state needs the match before the plan.
   */
  rule?: RoutingRule;
  /** 0..1: the share of the provider's keys usable now; less headroom, lower score. */
  headroom?: (provider: ResolvedProvider) => number;
  /** For pruning's cool-downs (default Date.now()). */
  now?: number;
  /** Thompson sampling over task × model (src/routing/bandit.ts): quality drawn from each arm's posterior. */
  bandit?: Bandit;
  /**
   * routing.complexity.span: how far the prompt's complexity moves `balanced`'s quality weight (src/routing/weights.ts);
   * absent or 0, the mode's own weights.
   */
  complexitySpan?: number;
}

export const AUTO_MODEL = 'auto';

type Unavailable = ReturnType<Availability>;

/**
 * The plan for a request; throws 404 for an unknown model or provider (`model_disabled` for a model switched off),
 * 403 for a model the client's key may not use, 400 when no model can serve it (`context_length_exceeded` when it is
 * too big for every one, whether the client named the model or not), and when every fitting model's provider cannot
 * take a call now, the failure policy's answer for the one that can serve soonest (429 keys resting, 503 circuit open
 * or no usable key) with its Retry-After. Pruned models are used only when nothing else can serve, or when the client
 * names them. Providers take turns in the plan (see `alternateProviders`), except in a list the client gave.
 */
export function planRoute(
  registry: ResolvedCatalog,
  route: RouteRequest,
  classification: Classification,
  context: RouteContext = {},
): Plan {
  return planModel(registry, route.model, route, classification, context);
}

/**
 * planRoute with the model the client named apart from its other routing fields, as a request holds them: the request
 * graph plans without building a RouteRequest per request.
 */
export function planModel(
  registry: ResolvedCatalog,
  model: string,
  route: RouteOptions,
  classification: Classification,
  context: RouteContext = {},
): Plan {
  if (route.provider !== undefined && !registry.providers.some((p) => p.id === route.provider)) {
    throw notFound(`provider '${route.provider}' is not enabled`, 'provider_not_found', 'provider');
  }
  const explicit = namesIn(registry, model, route.models, resolveName);
  const allowed = allowedFilter(registry, model, route.allows);
  const rule = context.rules === undefined ? context.rule : matchRule(context.rules, classification);
  const mode = rule?.mode !== undefined && route.modeExplicit !== true ? rule.mode : route.mode;
  const { stats, bandit } = context;
  // A client that named its models ranks them itself: its scores stay the mode's.
  const span = explicit === undefined ? (context.complexitySpan ?? 0) : 0;
  const weights = modeWeights(mode, classification.complexity, span);
  const now = context.now ?? Date.now();
  const skipped: Plan['skipped'] = [];
  /** The models that can serve, scored once they are all known (the bandit draws only when there is a choice). */
  const fitting: Array<{ model: ResolvedModel; headroom: number | undefined; note?: string }> = [];
  const pruned: Array<{ model: ResolvedModel; reason: string }> = [];
  let tooBig = false;
  const resting: Array<NonNullable<Unavailable>> = [];
  const providers = new Map<ResolvedProvider, { down: Unavailable; headroom: number | undefined }>();
  const unavailable: ResolvedProvider[] = [];
  const providerState = (provider: ResolvedProvider) => {
    let state = providers.get(provider);
    if (state === undefined) {
      const down = context.availability?.(provider);
      state = { down, headroom: down === undefined ? context.headroom?.(provider) : undefined };
      if (down !== undefined) unavailable.push(provider);
      providers.set(provider, state);
    }
    return state;
  };
  for (const model of explicit ?? registry.models) {
    if ((route.provider !== undefined && model.provider.id !== route.provider) || !allowed(model)) continue;
    // `auto` never weighs an embedding model; one the client named is refused below (unfitReason) with the reason.
    if (explicit === undefined && isEmbeddingModel(model)) continue;
    const unfit = unfitReason(model, classification, route.maxTokens);
    if (unfit !== undefined) {
      skipped.push({ ref: model.ref, reason: unfit.reason });
      tooBig ||= unfit.tooBig;
      continue;
    }
    // The client's own choice is honoured even when pruned: it asked for that model.
    const out = explicit === undefined ? stats?.pruned(model.ref, now) : undefined;
    if (out !== undefined) {
      // Live stats word their reasons as "pruned: ..." already; the plan adds its own prefix below.
      pruned.push({ model, reason: out.reason.replace(/^pruned: /, '') });
      continue;
    }
    const { down, headroom } = providerState(model.provider);
    if (down !== undefined) {
      skipped.push({ ref: model.ref, reason: down.reason });
      resting.push(down);
      continue;
    }
    fitting.push({ model, headroom });
  }
  // Better a model on probation than no answer: pruned models come back when nothing else can serve.
  const lastResort = fitting.length === 0;
  for (const { model, reason } of pruned) {
    const { down, headroom } = providerState(model.provider);
    if (!lastResort || down !== undefined) {
      skipped.push({ ref: model.ref, reason: `pruned: ${reason}` });
      continue;
    }
    fitting.push({ model, headroom, note: `pruned (${reason}), tried because nothing else can serve` });
  }
  if (fitting.length === 0 && resting.length > 0) throw allResting(skipped, resting);
  if (fitting.length === 0) throw noCandidate(registry, skipped, explicit !== undefined, tooBig);
  // A draw where it can change which model answers: not for a model the client named (its order stands), nor for a
  // lone candidate, nor in `fastest` (about speed: no exploration there, the posterior's mean is the quality).
  const draw = bandit?.draws !== false && explicit === undefined && fitting.length > 1 && mode !== 'fastest';
  let candidates = fitting.map(({ model, headroom, note }): RankedCandidate => {
    const arm: ArmInput | undefined =
      bandit === undefined ? undefined : { bandit, arm: stats?.arm?.(model.ref, classification.task), draw };
    const candidate = scoreModel(model, classification, mode, stats?.get(model.ref), headroom, arm, weights);
    if (note !== undefined) candidate.parts.note = note;
    return candidate;
  });
  // An explicit list keeps the client's order; otherwise the rule's models go first and last, the scores rank the rest.
  if (explicit === undefined) {
    candidates = alternateProviders(candidates.sort((a, b) => b.score - a.score));
    if (rule !== undefined) candidates = orderByRule(candidates, rule, registry);
  }
  const plan: Plan = { candidates, skipped, mode, weights };
  if (unavailable.length > 0) plan.unavailable = unavailable;
  if (rule !== undefined) {
    plan.rule = rule.name;
    // A client that named its model asked for that model's answer, not a rule's ensemble.
    if (rule.ensemble !== undefined && explicit === undefined) plan.ensemble = rule.ensemble;
    if (rule.cache !== undefined) plan.cache = rule.cache;
  }
  return plan;
}

/** Keeps the models the client's key may use; a named model it may not use is refused outright (403). */
function allowedFilter(
  registry: ResolvedCatalog,
  named: string,
  allows: RouteOptions['allows'],
): (model: ResolvedModel) => boolean {
  if (allows === undefined) return allowsAll;
  if (named !== AUTO_MODEL && !resolveName(registry, named).some((model) => allows(model.ref))) {
    throw new GatewayError(`This API key may not use the model '${named}'`, {
      status: 403,
      type: 'permission_error',
      code: 'model_not_allowed',
      param: 'model',
    });
  }
  return (model) => allows(model.ref);
}

const allowsAll = (): boolean => true;

/**
 * No candidate's provider can take a call now: the failure policy's answer for the one that can serve soonest (429
 * keys resting, 503 circuit open or no usable key), with that time as Retry-After.
 */
function allResting(skipped: Plan['skipped'], resting: Array<NonNullable<Unavailable>>): GatewayError {
  const soonest = resting.reduce((a, b) => (b.retryAfterMs < a.retryAfterMs ? b : a));
  const why = skipped.map((s) => `${s.ref}: ${s.reason}`).join('; ');
  return clientError(soonest.kind, why, soonest.retryAfterMs);
}

/** Plan positions that take turns by provider: more than a run tries (`maxAttempts` is at most 10), ensembles too. */
const ALTERNATED = 16;

/**
 * Providers take turns: each provider's best candidate in score order, then each one's second best, and so on, for the
 * first ALTERNATED positions; the rest keep their score order. A provider that is down then costs a request one
 * attempt, not all of them, while a healthy one waits behind it. Identity checks on a short list, no map: this runs for
 * every plan (~1 µs for 100 models).
 */
function alternateProviders(ranked: RankedCandidate[]): RankedCandidate[] {
  const head: RankedCandidate[] = [];
  let pool = ranked;
  while (head.length < ALTERNATED && pool.length > 0) {
    const taken: ResolvedProvider[] = [];
    const later: RankedCandidate[] = [];
    for (const candidate of pool) {
      const { provider } = candidate.model;
      if (head.length < ALTERNATED && !taken.includes(provider)) {
        taken.push(provider);
        head.push(candidate);
      } else later.push(candidate);
    }
    pool = later;
  }
  return pool.length === 0 ? head : head.concat(pool);
}

/**
 * The models a request names (its `model` unless `auto`, then its `models` list), in order, each name resolved by
 * `resolve`; undefined when it names none. The first name must resolve: 404 (or `model_disabled` when it is switched
 * off); a list of which none resolves is a 404 naming `models`. Shared by the chat and the embeddings plans.
 */
export function namedModels(
  registry: ResolvedCatalog,
  route: { model: string; models?: string[] | undefined },
  resolve: (registry: ResolvedCatalog, name: string) => ResolvedModel[],
): ResolvedModel[] | undefined {
  return namesIn(registry, route.model, route.models, resolve);
}

/** namedModels of a request's `model` and `models` as they come. */
function namesIn(
  registry: ResolvedCatalog,
  model: string,
  models: readonly string[] | undefined,
  resolve: (registry: ResolvedCatalog, name: string) => ResolvedModel[],
): ResolvedModel[] | undefined {
  // Most requests name one model and no list: that model's resolution, with no list of names built around it.
  if (models === undefined || models.length === 0) {
    if (model === AUTO_MODEL) return undefined;
    const found = resolve(registry, model);
    if (found.length === 0) throw unknownModel(registry, model);
    return found.length === 1 ? [found[0]!] : [...new Set(found)];
  }
  const names = model === AUTO_MODEL ? models : [model, ...models];
  const found = names.map((name, i) => {
    const resolved = resolve(registry, name);
    if (resolved.length === 0 && i === 0 && model !== AUTO_MODEL) throw unknownModel(registry, name);
    return resolved;
  });
  const unique = [...new Set(found.flat())];
  if (unique.length === 0)
    throw notFound(`none of the models in 'models' is served by an enabled provider`, 'model_not_found', 'models');
  return unique;
}

/** The 404 for a `model` no enabled provider serves (`model_disabled` when the config switched it off). */
function unknownModel(registry: ResolvedCatalog, name: string): GatewayError {
  const off = switchedOffReason(registry, name);
  if (off !== undefined)
    return notFound(`The model '${name}' is switched off on this gateway: ${off}`, 'model_disabled', 'model');
  return notFound(`The model '${name}' does not exist or no enabled provider serves it`, 'model_not_found', 'model');
}

function switchedOffReason(registry: ResolvedCatalog, name: string): string | undefined {
  const exact = registry.switchedOff.get(name);
  if (exact !== undefined) return exact;
  for (const [ref, reason] of registry.switchedOff) if (ref.endsWith(`/${name}`)) return reason;
  return undefined;
}

function resolveName(registry: ResolvedCatalog, name: string): ResolvedModel[] {
  const exact = registry.byRef.get(name);
  return exact ? [exact] : (registry.byBareId.get(name) ?? []);
}

/**
 * Nothing can serve the request: 503 when no provider is enabled; 400 otherwise, `context_length_exceeded` when it is
 * too big for every model that has the capabilities it needs, else `model_not_capable` (a model the client named) or
 * `no_capable_model`: the same request gets the same status however its model was chosen.
 */
function noCandidate(
  registry: ResolvedCatalog,
  skipped: Plan['skipped'],
  explicit: boolean,
  tooBig: boolean,
): GatewayError {
  if (registry.models.length === 0) {
    return new GatewayError(
      'No provider is enabled: add an API key (e.g. GROQ_API_KEY) or a provider in switchboard.yaml',
      {
        status: 503,
        type: 'service_unavailable',
        code: 'no_provider_enabled',
      },
    );
  }
  const why = skipped.map((s) => `${s.ref}: ${s.reason}`).join('; ');
  if (tooBig) return clientError('context_length', `it is too big for every model (${why})`);
  if (explicit)
    return badRequest(`The requested model cannot serve this request (${why})`, 'model', 'model_not_capable');
  return badRequest(
    `No enabled model can serve this request (${why || 'no model matches'})`,
    'model',
    'no_capable_model',
  );
}
