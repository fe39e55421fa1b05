// weights: how much a plan's scores weigh quality against speed and price, by mode and, in `balanced`, by the prompt's
// complexity: an easy prompt leans to a fast, cheap model that is good enough, a hard one to the strongest.
import type { ModelQuality } from '../config/schema.js';

/** The weights of one plan's scores: quality (wq), speed (ws), and the factor on the paid-model penalty. */
export interface Weights {
  quality: number;
  speed: number;
  /** 1 at the mode's base; below 1 for a hard prompt (paying for a strong model is worth more), above for an easy one. */
  cost: number;
}

/** How much each mode weighs quality against speed at complexity 0.5 (or with no steering). */
const MODE_WEIGHTS: Record<ModelQuality, { quality: number; speed: number }> = {
  fastest: { quality: 0.25, speed: 0.75 },
  balanced: { quality: 0.6, speed: 0.4 },
  best_quality: { quality: 0.9, speed: 0.1 },
};

/**
 * The weights for `mode` and a prompt of `complexity` (0..1). In `balanced` the quality weight moves by
 * `span · (2·complexity − 1)` around its base (0.6 ± span: lower for an easy prompt, higher for a hard one), the speed
 * weight is its complement, and the paid-model penalty scales as the speed weight does (speed and price are the same
 * side of the trade: a hard prompt is worth a slower or a paid model). `fastest` and `best_quality` keep their weights:
 * the client chose its side of the trade there. `span` 0 gives the mode's base weights.
 */
export function modeWeights(mode: ModelQuality, complexity: number, span: number): Weights {
  const base = MODE_WEIGHTS[mode];
  if (mode !== 'balanced' || span === 0) return { quality: base.quality, speed: base.speed, cost: 1 };
  const shift = span * (2 * Math.min(1, Math.max(0, complexity)) - 1);
  const quality = Math.min(1, Math.max(0, base.quality + shift));
  const speed = 1 - quality;
  return { quality, speed, cost: speed / base.speed };
}

/** Steered weights as a reason: `weights quality 0.72, speed 0.28, price ×0.7 for complexity 0.8`. */
export function weightsReason(weights: Weights, complexity: number): string {
  return `weights quality ${round(weights.quality)}, speed ${round(weights.speed)}, price ×${round(weights.cost)} for complexity ${round(complexity)}`;
}

const round = (x: number): number => Math.round(x * 100) / 100;
