// The router's bandit: Thompson sampling over task × model. Each (task, model) arm is a Beta posterior on "the answer
// is good": the catalog's quality for the task as a prior worth `priorStrength` answers, the live evidence of the
// stats store (judge scores, failed calls; src/storage/arm-counts.ts) on top. A plan draws one value per candidate, so
// a model whose posterior is wide gets tried now and then, and one that keeps failing on a task sinks for that task.
import type { RoutingConfig } from '../config/routing-schema.js';
import type { ArmCounts } from '../storage/types.js';
import { seededRandom } from './seeded-random.js';

/** The bandit as a plan uses it: how strong the prior is, and where its draws come from. */
export interface Bandit {
  priorStrength: number;
  /** Uniform in [0, 1): seeded (seededRandom), so that tests and simulations draw the same plans. */
  random: () => number;
  /** false: plans use each arm's posterior mean and draw nothing (explain's order without the draws). */
  draws?: boolean;
}

/**
 * A candidate's arm: its Beta posterior, and the value drawn from it for this plan (none in `fastest`, for a model the
 * client named, or for a lone candidate).
 */
export interface ArmPosterior {
  alpha: number;
  beta: number;
  mean: number;
  /** The draw that was the candidate's quality; absent when its mean was used. */
  sample?: number;
  /** The evidence behind it (answers' worth above the prior). */
  good: number;
  bad: number;
}

/** A Beta parameter never reaches 0 (a prior of exactly 0 or 1 with no evidence against it). */
const MIN_PARAMETER = 0.01;

/** The bandit of the routing config, or undefined when it is off (or absent); unseeded, it starts from a random seed. */
export function banditOf(config: RoutingConfig['bandit'] | undefined): Bandit | undefined {
  if (config?.enabled !== true) return undefined;
  const seed = config.seed ?? Math.floor(Math.random() * 2 ** 32);
  return { priorStrength: config.priorStrength, random: seededRandom(seed) };
}

/**
 * The arm's posterior for a prior quality `prior` (0..1): Beta(k·prior + good, k·(1 − prior) + bad). Its mean is the
 * prior with no evidence and moves to the measured rate as evidence outweighs k.
 */
export function armPosterior(prior: number, priorStrength: number, arm: ArmCounts | undefined): ArmPosterior {
  const good = arm?.good ?? 0;
  const bad = arm?.bad ?? 0;
  const alpha = Math.max(MIN_PARAMETER, priorStrength * prior + good);
  const beta = Math.max(MIN_PARAMETER, priorStrength * (1 - prior) + bad);
  return { alpha, beta, mean: alpha / (alpha + beta), good, bad };
}

/** One draw from Beta(alpha, beta): X / (X + Y) of two Gamma draws, which share one Box–Muller pair of normals. */
export function sampleBeta(alpha: number, beta: number, random: () => number): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random())); // 1 − random() is in (0, 1]: its log is finite
  const angle = 2 * Math.PI * random();
  const x = sampleGamma(alpha, random, radius * Math.cos(angle));
  const y = sampleGamma(beta, random, radius * Math.sin(angle));
  return x + y > 0 ? x / (x + y) : alpha / (alpha + beta);
}

/**
 * One draw from Gamma(shape, 1): Marsaglia and Tsang's method (about 1.03 normal draws per value for shape ≥ 1; the
 * first is `normal`), with the U^(1/shape) boost below 1.
 */
function sampleGamma(shape: number, random: () => number, normal: number): number {
  if (shape < 1) return sampleGamma(shape + 1, random, normal) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let x = normal;
  for (;;) {
    let v = 1 + c * x;
    if (v > 0) {
      v = v * v * v;
      const u = 1 - random();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
    x = standardNormal(random);
  }
}

/** A standard normal draw (Box–Muller, one of the pair): only for the few Gamma draws that are rejected. */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
