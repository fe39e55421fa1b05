// The learning parts of POST /v1/routing/explain: who classified the prompt and how sure it was (the learned
// classifier, the LLM second opinion, the rules), and what the bandit did to each candidate (its posterior, the draw,
// whether the draw moved it from where the posteriors' means alone would put it).
import type { RoutingConfig } from '../../config/routing-schema.js';
import type { ResolvedCatalog } from '../../catalog/types.js';
import type { ArmPosterior } from '../../routing/bandit.js';
import type { ComplexityContext } from '../../routing/learned-complexity.js';
import type { LabelledRequest } from '../../routing/route-context.js';
import type { Plan } from '../../routing/types.js';
import {
  relabel,
  rememberedOpinion,
  wantsSecondOpinion,
  type OpinionInput,
} from '../../../graphs/chat/nodes/second-opinion.js';

/** Who classified the prompt, how sure it was, and whether the classifier model had (or would have) its say. */
export interface ClassifierExplanation {
  /** `learned`: the shipped model; `llm`: routing.llmClassifier's answer replaced it; `rules`: no confidence given. */
  by: 'learned' | 'llm' | 'rules';
  /** The learned classifier's probability of its task (before any second opinion). */
  confidence?: number;
  /** routing.classifierMinConfidence: below it the classifier model is asked, when one is configured. */
  minConfidence: number;
  /**
   * routing.llmClassifier, when configured: whether a request like this one asks it (`wanted`), and its answer when it
   * gave one for this prompt to an earlier request (`taken`: explain calls no model, a request would use that answer).
   */
  secondOpinion?: { model: string; wanted: boolean; taken: boolean; task?: string; domain?: string };
}

/** A candidate's bandit arm in explain: its posterior and draw, and what the draw did to its place. */
export interface ArmExplanation extends ArmPosterior {
  /** Answers' worth of evidence above the prior (good + bad). */
  evidence: number;
  /** Its place (1 = tried first) in this plan, and in the plan made from the posteriors' means (no draws). */
  rank: number;
  rankWithoutDraw: number;
  /** The draw moved it (rank ≠ rankWithoutDraw). */
  moved: boolean;
}

/** The bandit's summary for the whole plan: its settings, whether it drew, whether the draws changed the order. */
export interface BanditExplanation {
  priorStrength: number;
  window: number;
  /** false for a model the client named, a lone candidate, or `fastest`: each posterior's mean was used. */
  drew: boolean;
  /** The order differs from the one the posteriors' means give. */
  reordered: boolean;
}

/**
 * The request's labels with the classifier model's remembered answer applied when a request would ask it (as the
 * request graph's second-opinion node does), and the classifier's part of the explanation.
 */
export function classifierPart(
  deps: { routing: RoutingConfig; registry: Pick<ResolvedCatalog, 'byRef'>; learning: ComplexityContext },
  input: Omit<OpinionInput, 'classification' | 'rule'> & LabelledRequest,
): { labelled: LabelledRequest; explanation: ClassifierExplanation } {
  const { classification } = input;
  const explanation: ClassifierExplanation = {
    by: classification.confidence === undefined ? 'rules' : 'learned',
    minConfidence: deps.routing.classifierMinConfidence,
  };
  if (classification.confidence !== undefined) explanation.confidence = classification.confidence;
  const config = deps.routing.llmClassifier;
  if (config === undefined) return { labelled: input, explanation };
  const wanted = wantsSecondOpinion(deps, input);
  const opinion = wanted ? rememberedOpinion(config, classification.query) : undefined;
  explanation.secondOpinion = { model: config.model, wanted, taken: opinion !== undefined, ...opinion };
  if (opinion === undefined) return { labelled: input, explanation };
  explanation.by = 'llm';
  return { labelled: relabel(classification, opinion, deps.routing, deps.learning), explanation };
}

/**
 * Each candidate's arm with its rank in `plan` and in `meanPlan` (the same request planned from the posteriors' means),
 * and the bandit's summary; undefined when the bandit is off.
 */
export function banditPart(
  config: RoutingConfig['bandit'],
  plan: Plan,
  meanPlan: Plan | undefined,
): { arms: Map<string, ArmExplanation>; summary: BanditExplanation } | undefined {
  if (!config.enabled || meanPlan === undefined) return undefined;
  const meanRank = new Map(meanPlan.candidates.map((c, i) => [c.model.ref, i + 1]));
  const arms = new Map<string, ArmExplanation>();
  let drew = false;
  plan.candidates.forEach((candidate, i) => {
    const arm = candidate.bandit;
    if (arm === undefined) return;
    drew ||= arm.sample !== undefined;
    const rankWithoutDraw = meanRank.get(candidate.model.ref) ?? i + 1;
    const rank = i + 1;
    arms.set(candidate.model.ref, {
      ...arm,
      evidence: arm.good + arm.bad,
      rank,
      rankWithoutDraw,
      moved: rank !== rankWithoutDraw,
    });
  });
  const reordered = [...arms.values()].some((arm) => arm.moved);
  return { arms, summary: { priorStrength: config.priorStrength, window: config.window, drew, reordered } };
}
