// The router's inputs for one request, built one way for the request graph and for POST /v1/routing/explain: the
// request's labels and the rule they match (worked out once per request), and the route context of the live gateway.
import type { RoutingRule } from '../config/routing-schema.js';
import type { ResolvedCatalog, ResolvedProvider } from '../catalog/types.js';
import type { Bandit } from './bandit.js';
import { classify } from './classifier/classify.js';
import type { ClassifyInput } from './classifier/types.js';
import { learnComplexityInto, type ComplexityContext } from './learned-complexity.js';
import { planModel, type Availability, type RouteContext, type RouteOptions } from './plan.js';
import { matchRule } from './rules.js';
import type { Classification, Plan, StatsView } from './types.js';

/** What the router sees of the live gateway: which providers can take a call, their headroom, stats, the clock. */
export interface RouterView {
  /** Providers that cannot take a call now (the key pool's `unavailable`). */
  availability?: Availability;
  /** 0..1: the share of a provider's keys usable now (the key pool's `headroom`). */
  headroom?: (provider: ResolvedProvider) => number;
  /** Live per-model stats and pruning; the catalog's priors alone when absent. */
  stats?: StatsView;
  /** The bandit that draws each candidate's quality (src/routing/bandit.ts); the blended quality when absent. */
  bandit?: Bandit | undefined;
  /** routing.complexity.span: how far complexity moves `balanced`'s weights; the mode's own when absent. */
  complexitySpan?: number;
  now: () => number;
}

/** A request's classification and the routing rule it matches. */
export interface LabelledRequest {
  classification: Classification;
  /** The first rule of the config whose conditions hold: its mode, models, ensemble and cache apply. */
  rule?: RoutingRule | undefined;
}

/**
 * Classifies `request` (its complexity learnt from outcomes when `complexity` is given) and matches it against
 * `rules`, once: the response cache (a rule may turn it on) and the plan both use the result.
 */
export function labelRequest(
  request: ClassifyInput,
  rules: readonly RoutingRule[] | undefined,
  complexity?: ComplexityContext,
): LabelledRequest {
  // classify builds a fresh classification per call: learning may change it in place.
  const classified = classify(request);
  const classification = complexity === undefined ? classified : learnComplexityInto(classified, complexity);
  return { classification, rule: matchRule(rules, classification) };
}

/** What `planRequest` plans for: the model the client named (in its request), its routing fields, its labels. */
export interface PlanInput extends LabelledRequest {
  /** The client's `model`: `auto`, `provider/model` or a bare id. */
  model: string;
  route: RouteOptions;
}

/**
 * The plan for a labelled request as the live gateway stands (`view`). Throws the router's GatewayError when no model
 * can serve it (see planRoute).
 */
export function planRequest(registry: ResolvedCatalog, input: PlanInput, view: RouterView): Plan {
  const context: RouteContext = {
    availability: view.availability,
    headroom: view.headroom,
    stats: view.stats,
    rule: input.rule,
    now: view.now(),
  };
  if (view.bandit !== undefined) context.bandit = view.bandit;
  if (view.complexitySpan !== undefined) context.complexitySpan = view.complexitySpan;
  return planModel(registry, input.model, input.route, input.classification, context);
}
