// The zod schema of the `routing:` section: modes, fallback bounds, rules, pruning, the judge, ensembles.
import { z } from 'zod';

export const TASKS = [
  'code',
  'math',
  'reasoning',
  'creative_writing',
  'roleplay',
  'extraction',
  'summarization',
  'translation',
  'knowledge',
  'chat',
] as const;
export type Task = (typeof TASKS)[number];

export const DOMAINS = ['general', 'medical', 'legal', 'finance', 'science'] as const;
export type Domain = (typeof DOMAINS)[number];

export const MODEL_QUALITIES = ['fastest', 'balanced', 'best_quality'] as const;
export type ModelQuality = (typeof MODEL_QUALITIES)[number];

const unit = z.number().min(0).max(1);
const modelRef = z.string().min(1);

export const ENSEMBLE_STRATEGIES = ['select', 'synthesize', 'cascade'] as const;
export type EnsembleStrategy = (typeof ENSEMBLE_STRATEGIES)[number];

/**
 * Several models on one request: `select` returns the best judged answer, `synthesize` has an aggregator model write
 * one answer from the candidates' (Mixture-of-Agents), `cascade` answers with the fastest suitable model first and
 * runs the ensemble only when the judge scores that answer low. Also the request field `ensemble`.
 */
export const EnsembleSchema = z.strictObject({
  strategy: z.enum(ENSEMBLE_STRATEGIES),
  /** The candidates (`provider/model`); default: the top `n` of the route plan. */
  models: z.array(modelRef).min(1).max(8).optional(),
  /** How many candidates when `models` is not given (default 3). */
  n: z.number().int().min(1).max(8).optional(),
  /** The model that writes the synthesis (default: the best-ranked candidate). */
  aggregator: modelRef.optional(),
});
export type Ensemble = z.infer<typeof EnsembleSchema>;

/** When a rule applies; every condition given must hold (a list matches any of its values). */
const RuleWhenSchema = z.strictObject({
  task: z.array(z.enum(TASKS)).min(1).optional(),
  domain: z.array(z.enum(DOMAINS)).min(1).optional(),
  /** Any of these words or phrases in the last user message (case-insensitive). */
  keywords: z.array(z.string().min(1)).min(1).optional(),
  /** Prompt tokens at least / at most. */
  minTokens: z.number().int().min(0).optional(),
  maxTokens: z.number().int().positive().optional(),
  /**
   * Complexity at least / at most (0..1, learnt from outcomes when routing.complexity.learn): a threshold router, the
   * prompts most likely to be beyond a weak model going to the rule's models.
   */
  minComplexity: unit.optional(),
  maxComplexity: unit.optional(),
});

/** A routing rule: for requests it matches, models to put first and last, a mode, an ensemble, the cache. */
export const RoutingRuleSchema = z.strictObject({
  name: z.string().min(1),
  when: RuleWhenSchema.default({}),
  /** Models tried first, in this order (those that can serve the request). */
  prefer: z.array(modelRef).optional(),
  /** Models tried after everything else, in this order. */
  fallback: z.array(modelRef).optional(),
  /** The mode for matching requests that do not say model_quality. */
  mode: z.enum(MODEL_QUALITIES).optional(),
  ensemble: EnsembleSchema.optional(),
  /** Answer matching requests from the response cache, as if they sent x-switchboard-cache: on. */
  cache: z.boolean().optional(),
});
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;

/** Taking failing or poor models out of plans for a while. */
const PruningSchema = z.strictObject({
  /** Below this recent success rate a model is pruned. */
  minSuccessRate: unit.default(0.5),
  /** Below this recent mean judge score a model is pruned. */
  minQuality: unit.default(0.4),
  /** Calls measured before a model can be pruned. */
  minSamples: z.number().int().positive().default(5),
  /** How long a pruned model stays out of plans. */
  coolDownMs: z.number().int().positive().default(300_000),
});

/** An LLM that grades answers, on top of the cheap checks, for the modes listed. */
const LlmJudgeSchema = z.strictObject({
  /** `provider/model` of the grader. */
  model: modelRef,
  modes: z.array(z.enum(MODEL_QUALITIES)).default(['best_quality']),
  timeoutMs: z.number().int().positive().default(10_000),
});

/**
 * Thompson sampling over task × model (src/routing/bandit.ts): each (task, model) has a Beta posterior on "the answer
 * is good", the catalog's quality for the task as its prior, the judge's scores and failed calls as its evidence.
 */
const BanditSchema = z.strictObject({
  /** false: quality is the catalog prior blended with the model's judged quality, as without a bandit. */
  enabled: z.boolean().default(true),
  /**
   * How many answers the catalog's prior counts as: Beta(k·q, k·(1 − q)) for a prior quality q. 30 keeps a newcomer's
   * draws near the catalog (a standard deviation of 0.05 to 0.09) while a few dozen answers already move an arm.
   */
  priorStrength: z.number().positive().max(10_000).default(30),
  /** Evidence per (task, model) is kept at most this many answers' worth: older answers fade, so it keeps adapting. */
  window: z.number().positive().max(1_000_000).default(200),
  /** Seeds the sampler for reproducible plans (tests, simulations); absent: a random seed at start. */
  seed: z.number().int().optional(),
});

/**
 * Complexity that learns from outcomes (src/routing/learned-complexity.ts): the classifier's complexity is the prior,
 * the judged answers and failed calls of weak models on the prompt's cluster (task × difficulty bucket) its evidence;
 * and how far it steers `balanced`'s scores (`span`).
 */
const ComplexitySchema = z.strictObject({
  /** false: complexity is the classifier's alone, and no cluster evidence is recorded. */
  learn: z.boolean().default(true),
  /**
   * How many answers the classifier's complexity counts as: (k·prior + weak shortfall) / (k + weak answers). Above the
   * bandit's 10: the prior ranks prompts within a cluster, which the cluster's evidence cannot (bench/apgr.ts).
   */
  priorStrength: z.number().positive().max(10_000).default(30),
  /** A model whose catalog quality for the task is below this is weak: its answers are the evidence. */
  strongQuality: unit.default(0.8),
  /** Evidence per (cluster, model) is kept at most this many answers' worth: older answers fade. */
  window: z.number().positive().max(1_000_000).default(200),
  /**
   * How far complexity moves `balanced`'s quality weight from its 0.6: by span · (2·complexity − 1), speed taking the
   * rest and the paid-model penalty scaling with speed (src/routing/weights.ts). 0: the mode's weights, whatever the
   * prompt.
   */
  span: z.number().min(0).max(0.4).default(0.2),
});

/** A fast model asked to classify the prompts the learned classifier is unsure of (docs/ROUTING.md "classify"). */
const LlmClassifierSchema = z.strictObject({
  /** `provider/model` of the classifier model. */
  model: modelRef,
  /** Its answer is given up after this long, and the learned classification stands. */
  timeoutMs: z.number().int().positive().default(1_500),
  /** Prompts whose classification is remembered (per instance), so a repeated prompt costs no call. */
  cacheSize: z.number().int().min(0).default(1_000),
});

export type LlmClassifierConfig = z.infer<typeof LlmClassifierSchema>;

export const RoutingSchema = z.strictObject({
  defaultMode: z.enum(MODEL_QUALITIES).default('balanced'),
  /** Upstream calls per request, first try included. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Time budget for a whole request before the gateway stops falling back. */
  totalTimeoutMs: z.number().int().positive().default(120_000),
  /** Answers the judge scores below this are rejected and the next candidate is tried. */
  judgeThreshold: unit.default(0.5),
  rules: z.array(RoutingRuleSchema).default([]),
  pruning: PruningSchema.default(PruningSchema.parse({})),
  llmJudge: LlmJudgeSchema.optional(),
  /** Below this confidence (the learned classifier's probability of its task), `llmClassifier` has its say. */
  classifierMinConfidence: z.number().min(0).max(1).default(0.5),
  llmClassifier: LlmClassifierSchema.optional(),
  /** How long the members of an ensemble have to answer (within totalTimeoutMs); a member still answering is dropped. */
  ensembleTimeoutMs: z.number().int().positive().default(60_000),
  bandit: BanditSchema.default(BanditSchema.parse({})),
  complexity: ComplexitySchema.default(ComplexitySchema.parse({})),
});
export type RoutingConfig = z.infer<typeof RoutingSchema>;
