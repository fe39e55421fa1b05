// POST /v1/routing/explain: what the router would do with a chat request (classification, ranked plan, reasons),
// calling no model; its learning parts (classifier, bandit) are worked out in routing-learning.ts.
import { Router } from 'express';
import type { ClientKeys } from '../../accounts/client-keys.js';
import { applyAlias } from '../../routing/aliases.js';
import { banditOf } from '../../routing/bandit.js';
import { labelRequest, planRequest, type RouterView } from '../../routing/route-context.js';
import type { Plan } from '../../routing/types.js';
import type { Weights } from '../../routing/weights.js';
import { parseChatBody } from '../chat-body.js';
import type { AppDeps } from '../deps.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';
import {
  banditPart,
  classifierPart,
  type ArmExplanation,
  type BanditExplanation,
  type ClassifierExplanation,
} from './routing-learning.js';

/** The explain answer: the request's classification, the mode and rule that applied, and the plan with its reasons. */
export interface RoutingExplanation {
  task: string;
  domain: string;
  complexity: number;
  /**
   * How complexity learnt from outcomes (routing.complexity.learn): the classifier's figure (`prior`), the prompt's
   * cluster, the weak models' evidence on it; `complexity` is the final figure.
   */
  complexity_evidence?: { prior: number; cluster: string; good: number; bad: number };
  /** The learned classifier's probability of its task (below routing.classifierMinConfidence an LLM may be asked). */
  confidence?: number;
  /** Who classified the prompt (learned, llm, rules), how sure, and the second opinion (routing-learning.ts). */
  classifier: ClassifierExplanation;
  /** What the bandit did to this plan; absent when routing.bandit is off. */
  bandit?: BanditExplanation;
  /** Prompt tokens, counted exactly. */
  tokens: number;
  needs: { tools: boolean; vision: boolean; json: boolean; longContext: boolean };
  mode: Plan['mode'];
  /** The weights the scores used: the mode's, moved by complexity in `balanced` (routing.complexity.span). */
  weights?: Weights;
  rule?: string;
  /** The request's ensemble, else the matching rule's. */
  ensemble?: Plan['ensemble'];
  cache?: boolean;
  /**
   * In the order the gateway would try them; `bandit`: the candidate's (task, model) posterior, the quality drawn
   * from it for this plan (one draw: another explain may rank close candidates otherwise) and its rank without draws.
   */
  candidates: Array<{ model: string; score: number; reasons: string[]; bandit?: ArmExplanation }>;
  skipped: Array<{ model: string; reason: string }>;
}

/** What the explain route reads: the registry and rules, and the live state the request graph's router sees. */
export type RoutingRouteDeps = Pick<AppDeps, 'config' | 'registry' | 'stats' | 'availability' | 'headroom' | 'now'> & {
  clientKeys: Pick<ClientKeys, 'allowsModel'>;
};

/**
 * The routing explain route. It sees what a chat request would: the caller's allowed models, the live availability,
 * headroom and stats in `deps`. When the router itself would refuse (unknown model, not allowed, all resting,
 * nothing capable), it answers with the same error the chat route would.
 */
export function routingRoutes(deps: RoutingRouteDeps): Router {
  const router = Router();
  const bandit = banditOf(deps.config.routing.bandit);
  const view: RouterView = {
    availability: deps.availability,
    headroom: deps.headroom,
    stats: deps.stats,
    // Its own sampler: explaining draws no value from the one requests use.
    bandit,
    complexitySpan: deps.config.routing.complexity.span,
    now: deps.now,
  };
  // The same plan from the posteriors' means: what the draws changed is the difference.
  const meanView: RouterView = { ...view, bandit: bandit === undefined ? undefined : { ...bandit, draws: false } };
  router.post('/v1/routing/explain', (req, res) => {
    const { request, route, ensemble } = parseChatBody(req.body, deps.config.routing.defaultMode);
    applyAlias(deps.registry, deps.config.aliases, { request, route });
    const allows = allowedModels(deps.clientKeys, callerOf(res));
    if (allows !== undefined) route.allows = allows;
    // The same two steps as the request graph's classify and route nodes, with the same functions.
    const learning = { config: deps.config.routing.complexity, registry: deps.registry, stats: deps.stats };
    const { labelled, explanation } = classifierPart(
      { routing: deps.config.routing, registry: deps.registry, learning },
      { ...labelRequest(request, deps.config.routing.rules, learning), request, route },
    );
    const input = { ...labelled, model: request.model, route };
    const plan = planRequest(deps.registry, input, view);
    const drawn = banditPart(deps.config.routing.bandit, plan, bandit && planRequest(deps.registry, input, meanView));
    const { classification } = labelled;
    const body: RoutingExplanation = {
      task: classification.task,
      domain: classification.domain,
      complexity: Math.round(classification.complexity * 1000) / 1000,
      tokens: classification.promptTokens(),
      needs: { ...classification.needs },
      classifier: explanation,
      mode: plan.mode,
      candidates: plan.candidates.map((c) => {
        const arm = drawn?.arms.get(c.model.ref);
        return {
          model: c.model.ref,
          score: c.score,
          reasons: c.reasons,
          ...(arm === undefined ? {} : { bandit: arm }),
        };
      }),
      skipped: plan.skipped.map((s) => ({ model: s.ref, reason: s.reason })),
    };
    if (classification.complexityEvidence !== undefined)
      body.complexity_evidence = { ...classification.complexityEvidence };
    if (explanation.confidence !== undefined) body.confidence = explanation.confidence;
    if (drawn !== undefined) body.bandit = drawn.summary;
    if (plan.weights !== undefined) body.weights = roundWeights(plan.weights);
    if (plan.rule !== undefined) body.rule = plan.rule;
    // The request's own ensemble wins over the rule's, as in the request graph.
    const fused = ensemble ?? plan.ensemble;
    if (fused !== undefined) body.ensemble = fused;
    if (plan.cache !== undefined) body.cache = plan.cache;
    res.json(body);
  });
  return router;
}

const roundWeights = (weights: Weights): Weights => ({
  quality: round(weights.quality),
  speed: round(weights.speed),
  cost: round(weights.cost),
});
const round = (x: number): number => Math.round(x * 1000) / 1000;
