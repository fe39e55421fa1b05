// score: whether a model can serve a request at all, and how well: catalog priors blended with live stats, cost and
// headroom.
import type { Capability, ModelQuality } from '../config/schema.js';
import type { ResolvedModel } from '../catalog/types.js';
import type { ArmCounts } from '../storage/types.js';
import { armPosterior, sampleBeta, type ArmPosterior, type Bandit } from './bandit.js';
import { outputTokensFor } from './output-cap.js';
import type { Candidate, Classification, ModelStats } from './types.js';
import { modeWeights, weightsReason, type Weights } from './weights.js';

/** The catalog prior counts as this many measured calls: with n calls measured, the measurement weighs n / (n + 10). */
const PRIOR_SAMPLES = 10;
/** Success is learnt faster than quality or speed: a model that keeps failing should sink after a few calls. */
const RELIABILITY_PRIOR_SAMPLES = 5;
/** Score lost at a 0% success rate (a 90% rate costs a tenth of it). */
const RELIABILITY_WEIGHT = 0.5;
/** Score lost when none of the provider's keys has room (half of them resting costs half of it). */
const HEADROOM_WEIGHT = 0.15;
/** Paid models rank after free ones of similar merit, dearer ones further down (up to PAID_PENALTY + PRICE_PENALTY). */
const PAID_PENALTY = 0.2;
const PRICE_PENALTY = 0.1;
/**
 * For a specialist domain (medical, legal...), the share of quality taken from the model's knowledge/reasoning
 * strength.
 */
const DOMAIN_SHARE = 0.3;
/** Live speed scales: a time to first token of 500 ms, 60 tokens/s, or a 2 s call scores 0.5. */
const TTFT_REF_MS = 500;
const TPS_REF = 60;
const LATENCY_REF_MS = 2_000;

/** The numbers behind one candidate's score, kept so that its reasons are written only when someone reads them. */
export interface ScoreParts {
  /** Quality prior for this task (and domain), then blended with the judged quality. */
  prior: number;
  /** The knowledge/reasoning prior mixed in for a specialist domain. */
  domainPrior?: number;
  quality: number;
  speed: number;
  /** 0..1: the measured success rate blended with a prior of 1. */
  reliability: number;
  /** Mean of input and output price per 1M tokens; 0 when free. */
  price: number;
  stats?: ModelStats;
  headroom?: number;
  /** Set by a routing rule that names the model. */
  rule?: { name: string; role: 'preferred' | 'fallback' };
  /** Anything else the plan wants said first (a pruned model used as a last resort). */
  note?: string;
  /** The (task, model) arm when the bandit set the quality: its posterior, and the draw (not in `fastest`). */
  bandit?: ArmPosterior;
  /** The weights when the prompt's complexity moved them from the mode's (src/routing/weights.ts). */
  weights?: Weights;
}

/** A candidate as the router builds it: `reasons` is computed from `parts` on first read, then kept. */
export interface RankedCandidate extends Candidate {
  readonly parts: ScoreParts;
}

/** Why a model cannot serve a request: a capability it lacks, or a context window too small for it. */
export interface Unfit {
  reason: string;
  /** The request does not fit the context window (the rest of the reasons are capabilities). */
  tooBig: boolean;
}

/**
 * Why `model` cannot serve the request (a missing capability, a context window too small), or undefined when it can.
 */
export function unfitReason(
  model: ResolvedModel,
  classification: Classification,
  maxTokens: number | undefined,
): Unfit | undefined {
  const { needs } = classification;
  if (has(model, 'embeddings')) return { reason: 'an embedding model: it serves POST /v1/embeddings', tooBig: false };
  if ((needs.tools && !has(model, 'tools')) || (needs.vision && !has(model, 'vision'))) {
    const lacking = (['tools', 'vision'] as const).filter((need) => needs[need] && !has(model, need)).join(', ');
    return { reason: `lacks ${lacking}`, tooBig: false };
  }
  const window = model.config.contextWindow;
  const output = outputTokensFor(maxTokens, model.config.maxOutputTokens) ?? 0;
  // The estimate is cheap; count exactly only when it is close to the limit.
  if (classification.estimatedTokens * 2 + output > window && classification.promptTokens() + output > window) {
    const reason = `context window ${window} too small for ${classification.promptTokens()} prompt + ${output} output tokens`;
    return { reason, tooBig: true };
  }
  return undefined;
}

function has(model: ResolvedModel, capability: Capability): boolean {
  return model.config.capabilities.includes(capability);
}

/** What the bandit knows of one candidate: the bandit, and the evidence of the model's arm for the request's task. */
export interface ArmInput {
  bandit: Bandit;
  arm: ArmCounts | undefined;
  /** Draw the quality from the posterior; false: its mean (the plan decides: see planRoute). */
  draw: boolean;
}

/**
 * Scores one model for a request:
 * `wq·Q + ws·S − 0.5·(1 − R) − wc·cost − 0.15·(1 − H)`, where (wq, ws, wc) come from the mode and, in `balanced`,
 * the prompt's complexity (`weights`, src/routing/weights.ts; the mode's own when absent), Q is the quality prior
 * (per-task strength, mixed with knowledge/reasoning for a specialist domain) blended with judged quality, or with the
 * bandit a draw from its (task, model) posterior (its mean when the plan draws none), S the speed prior blended with measured
 * ttft / tokens per second / latency, R the success rate blended with a prior of 1, cost 0 for free models and
 * 0.2..0.3 for paid ones by price, and H the share of the provider's keys usable now.
 */
export function scoreModel(
  model: ResolvedModel,
  classification: Classification,
  mode: ModelQuality,
  stats?: ModelStats,
  headroom?: number,
  arm?: ArmInput,
  weights: Weights = modeWeights(mode, classification.complexity, 0),
): RankedCandidate {
  const { config } = model;
  const taskPrior = config.strengths?.[classification.task] ?? config.quality;
  const domainPrior = classification.domain === 'general' ? undefined : knowledgePrior(model);
  const prior = domainPrior === undefined ? taskPrior : taskPrior * (1 - DOMAIN_SHARE) + domainPrior * DOMAIN_SHARE;
  const samples = stats?.samples ?? 0;
  let quality: number;
  let posterior: ArmPosterior | undefined;
  if (arm === undefined) quality = blend(prior, stats?.quality, samples, PRIOR_SAMPLES);
  else {
    posterior = armPosterior(prior, arm.bandit.priorStrength, arm.arm);
    if (arm.draw) posterior.sample = sampleBeta(posterior.alpha, posterior.beta, arm.bandit.random);
    quality = posterior.sample ?? posterior.mean;
  }
  const speed = blend(config.speed, stats === undefined ? undefined : measuredSpeed(stats), samples, PRIOR_SAMPLES);
  const reliability = blend(1, stats?.successRate, samples, RELIABILITY_PRIOR_SAMPLES);
  const price = (config.costPer1M.input + config.costPer1M.output) / 2;
  const value =
    weights.quality * quality +
    weights.speed * speed -
    RELIABILITY_WEIGHT * (1 - reliability) -
    weights.cost * costPenalty(price) -
    (headroom === undefined ? 0 : HEADROOM_WEIGHT * (1 - headroom));
  const parts: ScoreParts = { prior, quality, speed, reliability, price };
  if (domainPrior !== undefined) parts.domainPrior = domainPrior;
  if (stats !== undefined) parts.stats = stats;
  if (headroom !== undefined) parts.headroom = headroom;
  if (weights.cost !== 1) parts.weights = weights;
  const candidate = withLazyReasons(model, Math.round(value * 1000) / 1000, parts, classification);
  if (posterior !== undefined) {
    parts.bandit = posterior;
    candidate.bandit = posterior;
  }
  return candidate;
}

/** The catalog has no per-domain field: a specialist domain leans on what a model knows and how it reasons. */
function knowledgePrior(model: ResolvedModel): number {
  const { strengths, quality } = model.config;
  return Math.max(strengths?.knowledge ?? quality, strengths?.reasoning ?? quality);
}

function blend(prior: number, measured: number | undefined, samples: number, priorSamples: number): number {
  if (measured === undefined || samples <= 0) return prior;
  return prior + ((measured - prior) * samples) / (samples + priorSamples);
}

/** 0..1 from what was timed: ttft and tokens per second when known (streams), whole-call latency otherwise. */
function measuredSpeed(stats: ModelStats): number | undefined {
  let sum = 0;
  let count = 0;
  if (stats.ttftMs !== undefined) {
    sum += TTFT_REF_MS / (TTFT_REF_MS + stats.ttftMs);
    count++;
  }
  if (stats.tokensPerSec !== undefined) {
    sum += stats.tokensPerSec / (stats.tokensPerSec + TPS_REF);
    count++;
  }
  if (count === 0 && stats.latencyMs !== undefined) return LATENCY_REF_MS / (LATENCY_REF_MS + stats.latencyMs);
  return count === 0 ? undefined : sum / count;
}

function costPenalty(price: number): number {
  if (price <= 0) return 0;
  // Log scale: cents per 1M add next to nothing to PAID_PENALTY, $10 half of PRICE_PENALTY, $100 and more all of it.
  return PAID_PENALTY + PRICE_PENALTY * Math.min(1, Math.log10(1 + price) / 2);
}

/**
 * Strings cost more than the arithmetic, and a plan ranks every model while its reasons are read for a few, or none:
 * `reasons` is written on first read. It is an own enumerable accessor, so that spreading or serializing a candidate
 * still carries its reasons (a class getter would be lost by a spread); one shared descriptor keeps that cheap, where
 * an object literal with `get` costs about twice as much per candidate.
 */
function withLazyReasons(
  model: ResolvedModel,
  score: number,
  parts: ScoreParts,
  classification: Classification,
): RankedCandidate {
  return new Ranked(model, score, parts, classification);
}

const LAZY_REASONS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Ranked): string[] {
    return (this.written ??= describe(this.model, this.parts, this.classification));
  },
  set(this: Ranked, value: string[]) {
    this.written = value;
  },
};

class Ranked implements RankedCandidate {
  /** The reasons once written. */
  written: string[] | undefined = undefined;
  declare reasons: string[];
  constructor(
    readonly model: ResolvedModel,
    public score: number,
    readonly parts: ScoreParts,
    readonly classification: Classification,
  ) {
    Object.defineProperty(this, 'reasons', LAZY_REASONS);
  }
}

/** The reasons of a score, in the order a reader weighs them. */
function describe(model: ResolvedModel, parts: ScoreParts, classification: Classification): string[] {
  const { stats } = parts;
  const out: string[] = [];
  if (parts.rule !== undefined) out.push(`rule ${parts.rule.name}: ${parts.rule.role}`);
  if (parts.note !== undefined) out.push(parts.note);
  out.push(qualityReason(parts, classification, stats));
  out.push(speedReason(model, parts, stats));
  if (stats !== undefined && stats.samples > 0) out.push(`success ${percent(stats.successRate)} over ${stats.samples}`);
  const { input, output } = model.config.costPer1M;
  out.push(parts.price === 0 ? 'free' : `paid ($${input} in, $${output} out per 1M tokens)`);
  if (parts.headroom !== undefined) out.push(`headroom ${percent(parts.headroom)}`);
  if (parts.weights !== undefined) out.push(weightsReason(parts.weights, classification.complexity));
  return out;
}

function qualityReason(parts: ScoreParts, classification: Classification, stats: ModelStats | undefined): string {
  const what =
    classification.domain === 'general' ? classification.task : `${classification.task}, ${classification.domain}`;
  const domain = parts.domainPrior === undefined ? '' : ` with knowledge ${num(parts.domainPrior)}`;
  const arm = parts.bandit;
  if (arm !== undefined) {
    const beta = `Beta(α ${num(arm.alpha)}, β ${num(arm.beta)})`;
    const how = arm.sample === undefined ? `mean of ${beta}` : `drawn from ${beta}: mean ${num(arm.mean)}`;
    const evidence = arm.good + arm.bad > 0 ? `evidence ${num(arm.good)} good ${num(arm.bad)} bad` : 'no evidence';
    return `quality ${num(parts.quality)} for ${what} (${how}, prior ${num(parts.prior)}${domain}, ${evidence})`;
  }
  if (stats?.quality === undefined || stats.samples <= 0) return `quality ${num(parts.quality)} for ${what}${domain}`;
  return `quality ${num(parts.quality)} for ${what} (prior ${num(parts.prior)}${domain}, measured ${num(stats.quality)} over ${stats.samples})`;
}

function speedReason(model: ResolvedModel, parts: ScoreParts, stats: ModelStats | undefined): string {
  const measured: string[] = [];
  if (stats !== undefined && stats.samples > 0) {
    if (stats.ttftMs !== undefined) measured.push(`ttft ${Math.round(stats.ttftMs)} ms`);
    if (stats.tokensPerSec !== undefined) measured.push(`${Math.round(stats.tokensPerSec)} tok/s`);
    if (measured.length === 0 && stats.latencyMs !== undefined)
      measured.push(`latency ${Math.round(stats.latencyMs)} ms`);
  }
  if (measured.length === 0) return `speed ${num(parts.speed)}`;
  return `speed ${num(parts.speed)} (prior ${num(model.config.speed)}, ${measured.join(', ')})`;
}

const num = (x: number): string => String(Math.round(x * 100) / 100);
const percent = (x: number): string => `${Math.round(x * 100)}%`;
