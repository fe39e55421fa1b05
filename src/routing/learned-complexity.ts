// Complexity that learns from outcomes: the classifier's complexity is a prior on "a weak model's answer falls short",
// and what weak models did on prompts of the same cluster (task × difficulty bucket: judge scores, failed calls, in
// the live stats as arms of each model's record) is the evidence, as in the training-free routers that keep measured
// quality per prompt cluster. With no evidence the complexity is the classifier's, unchanged.
import type { RoutingConfig } from '../config/routing-schema.js';
import type { ResolvedCatalog, ResolvedModel } from '../catalog/types.js';
import type { ArmCounts } from '../storage/types.js';
import type { Classification, ComplexityEvidence, StatsView } from './types.js';

/** What learning reads: the config's `complexity:` section, the enabled models, and their live stats. */
export interface ComplexityContext {
  config: RoutingConfig['complexity'];
  registry: Pick<ResolvedCatalog, 'byRef'>;
  stats: StatsView | undefined;
}

/** Difficulty buckets of the prior: thirds of 0..1 (the learned head's P(medium) / 2 + P(hard) puts them there). */
const BUCKETS = ['easy', 'medium', 'hard'] as const;

/** The cluster of a prompt: its task and the third of 0..1 its prior complexity falls in, `code__hard`. */
export function clusterOf(task: string, prior: number): string {
  return `${task}__${BUCKETS[Math.min(2, Math.max(0, Math.floor(prior * 3)))]!}`;
}

/**
 * The posterior mean of "a weak model falls short": Beta(k·prior + bad, k·(1 − prior) + good), i.e.
 * (k·prior + bad) / (k + good + bad), rounded to 3 decimals; exactly `prior` with no evidence.
 */
export function blendComplexity(prior: number, evidence: ArmCounts | undefined, priorStrength: number): number {
  const good = evidence?.good ?? 0;
  const bad = evidence?.bad ?? 0;
  if (good + bad <= 0) return prior;
  const mean = (priorStrength * prior + bad) / (priorStrength + good + bad);
  return Math.round(mean * 1000) / 1000;
}

/** Whether `model` counts as weak for `task`: its catalog quality for it is below `strongQuality`. */
function isWeak(model: ResolvedModel, task: string, strongQuality: number): boolean {
  const { strengths, quality } = model.config;
  return (strengths?.[task as keyof typeof strengths] ?? quality) < strongQuality;
}

/**
 * The weak models' evidence on `cluster`, summed over the enabled models weak for `task` that have some (the live
 * stats index them by cluster: a request reads those few, not every model).
 */
function weakEvidence(context: ComplexityContext, task: string, cluster: string): ArmCounts {
  const sum = { good: 0, bad: 0 };
  const { stats, registry } = context;
  if (stats?.clusterRefs === undefined || stats.clusterArm === undefined) return sum;
  for (const ref of stats.clusterRefs(cluster)) {
    const model = registry.byRef.get(ref);
    if (model === undefined || !isWeak(model, task, context.config.strongQuality)) continue;
    const arm = stats.clusterArm(ref, cluster);
    if (arm === undefined) continue;
    sum.good += arm.good;
    sum.bad += arm.bad;
  }
  return sum;
}

/**
 * The classification with its complexity learnt from the weak models' outcomes on its cluster, and how
 * (`complexityEvidence`); unchanged when learning is off.
 */
export function learnComplexity(classification: Classification, context: ComplexityContext): Classification {
  if (!context.config.learn) return classification;
  return learnComplexityInto({ ...classification }, context);
}

/**
 * learnComplexity on a classification of the caller's own (a fresh one from the classifier), changed in place rather
 * than copied: the copy of every field cost more than the learning. Its fields keep the order the copy gives them.
 */
export function learnComplexityInto(classification: Classification, context: ComplexityContext): Classification {
  if (!context.config.learn) return classification;
  const prior = classification.complexityEvidence?.prior ?? classification.complexity;
  const cluster = clusterOf(classification.task, prior);
  const { good, bad } = weakEvidence(context, classification.task, cluster);
  const evidence: ComplexityEvidence = { prior, cluster, good: round(good), bad: round(bad) };
  classification.complexity = blendComplexity(prior, { good, bad }, context.config.priorStrength);
  classification.complexityEvidence = evidence;
  return classification;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
