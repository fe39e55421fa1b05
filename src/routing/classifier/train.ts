// Trains the learned classifier's linear model: multinomial logistic regression per head (task, domain, difficulty)
// by stochastic gradient descent with l2 decay, in a seeded order, so the same examples always give the same model.
// Used by bench/train-classifier.ts (which writes model.json) and by tests; nothing at run time.
import { DENSE_FEATURES } from './features.js';
import { HEADS, OUTPUTS, softmax, type LinearModel } from './linear-model.js';
import { seededRandom } from '../seeded-random.js';

/** One labelled request's features (copied out of the extractor's buffers) and its label per head (-1: none). */
export interface TrainingExample {
  indices: Int32Array;
  values: Float32Array;
  dense: Float32Array;
  /** The label's index within each head, in HEADS order. */
  labels: readonly number[];
}

export interface TrainOptions {
  bits: number;
  epochs: number;
  /** l2 penalty per example. */
  l2: number;
  /** Initial step size; it decays as 1 / (1 + epochs done). */
  learningRate: number;
  seed: number;
}

/** A model with float weights (scales 1), trained on `examples`. */
export function trainLinearModel(examples: readonly TrainingExample[], options: TrainOptions): LinearModel {
  const hashed = new Float32Array((1 << options.bits) * OUTPUTS);
  const dense = new Float32Array(DENSE_FEATURES * OUTPUTS);
  const z = new Float64Array(OUTPUTS);
  const random = seededRandom(options.seed);
  const order = examples.map((_, i) => i);
  // The weights are `scale ×` the stored ones, so that the l2 decay of every weight is one multiplication.
  let scale = 1;
  let step = 0;
  const total = examples.length;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const eta = options.learningRate / (1 + step++ / total);
      const example = examples[i]!;
      forward(example, hashed, dense, scale, z);
      for (let h = 0; h < HEADS.length; h++) {
        const head = HEADS[h]!;
        const label = example.labels[h]!;
        for (let k = head.from; k < head.from + head.labels.length; k++)
          z[k] = label < 0 ? 0 : z[k]! - (k - head.from === label ? 1 : 0);
      }
      scale *= 1 - eta * options.l2;
      const rate = eta / scale;
      const { indices, values, dense: x } = example;
      for (let n = 0; n < indices.length; n++) {
        const base = indices[n]! * OUTPUTS;
        const v = values[n]! * rate;
        for (let k = 0; k < OUTPUTS; k++) hashed[base + k]! -= v * z[k]!;
      }
      for (let f = 0; f < DENSE_FEATURES; f++) {
        if (x[f] === 0) continue;
        const base = f * OUTPUTS;
        const v = x[f]! * rate;
        for (let k = 0; k < OUTPUTS; k++) dense[base + k]! -= v * z[k]!;
      }
      if (scale < 1e-4) {
        for (let j = 0; j < hashed.length; j++) hashed[j]! *= scale;
        for (let j = 0; j < dense.length; j++) dense[j]! *= scale;
        scale = 1;
      }
    }
  }
  for (let j = 0; j < hashed.length; j++) hashed[j]! *= scale;
  for (let j = 0; j < dense.length; j++) dense[j]! *= scale;
  return { bits: options.bits, hashed, scales: new Float32Array(OUTPUTS).fill(1), dense };
}

/** The heads' probabilities for one example, into `z`. */
function forward(example: TrainingExample, hashed: Float32Array, dense: Float32Array, scale: number, z: Float64Array) {
  z.fill(0);
  const { indices, values, dense: x } = example;
  for (let n = 0; n < indices.length; n++) {
    const base = indices[n]! * OUTPUTS;
    const v = values[n]!;
    for (let k = 0; k < OUTPUTS; k++) z[k]! += v * hashed[base + k]!;
  }
  for (let f = 0; f < DENSE_FEATURES; f++) {
    if (x[f] === 0) continue;
    const base = f * OUTPUTS;
    for (let k = 0; k < OUTPUTS; k++) z[k]! += x[f]! * dense[base + k]!;
  }
  for (let k = 0; k < OUTPUTS; k++) z[k]! *= scale;
  for (const head of HEADS) softmax(z, head.from, head.from + head.labels.length);
}

function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}
