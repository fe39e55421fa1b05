// The learned classifier's model: one linear layer from the features to three softmax heads (task, domain,
// difficulty), and its file format: int8 weights per hashed bucket (a scale per output), deflated and base64'd in JSON.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMAINS, TASKS } from '../../config/schema.js';
import { DENSE_FEATURES, type FeatureVector } from './features.js';

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** The outputs, head after head: every task, every domain, every difficulty. */
export const HEADS = [
  { name: 'task', labels: TASKS, from: 0 },
  { name: 'domain', labels: DOMAINS, from: TASKS.length },
  { name: 'difficulty', labels: DIFFICULTIES, from: TASKS.length + DOMAINS.length },
] as const;
export const OUTPUTS = TASKS.length + DOMAINS.length + DIFFICULTIES.length;

/** Weights of output k for a feature are at `[feature * OUTPUTS + k]`; a hashed one's times `scales[k]`. */
export interface LinearModel {
  bits: number;
  hashed: Int8Array | Float32Array;
  scales: Float32Array;
  dense: Float32Array;
}

/** The model file (`model.json`). */
export interface ModelFile {
  format: 'switchboard-linear-1';
  bits: number;
  outputs: string[];
  denseFeatures: number;
  /** Per output: the hashed weights' quantisation step. */
  scales: number[];
  dense: number[];
  /** base64 of the raw-deflated int8 hashed weights. */
  hashed: string;
  /** What it was trained on and how (written by the trainer, read by people). */
  trained: Record<string, unknown>;
}

/**
 * Writes the outputs' probabilities into `out` (OUTPUTS long): a softmax per head over the features' scores.
 * Allocation-free: it runs before every routed call.
 */
export function predict(model: LinearModel, features: FeatureVector, out: Float64Array): void {
  out.fill(0);
  const { hashed, scales, dense } = model;
  const { indices, values, length } = features;
  // Eight features' rows at a time: each out[k] is loaded and stored once per eight rows instead of once per row, and
  // the eight rows' cache misses overlap (the 1.2 MB of weights are rarely all in cache). Three times as fast as one
  // row at a time on ~450 features, with a cold cache; four at a time was a third slower than eight. When the eight
  // values are equal (features seen once each: most of a short prompt's), the int8 weights are summed as integers and
  // multiplied once, which is exact: the products and sums differ from the other order by float rounding only.
  let n = 0;
  for (; n + 8 <= length; n += 8) {
    const b0 = indices[n]! * OUTPUTS;
    const b1 = indices[n + 1]! * OUTPUTS;
    const b2 = indices[n + 2]! * OUTPUTS;
    const b3 = indices[n + 3]! * OUTPUTS;
    const b4 = indices[n + 4]! * OUTPUTS;
    const b5 = indices[n + 5]! * OUTPUTS;
    const b6 = indices[n + 6]! * OUTPUTS;
    const b7 = indices[n + 7]! * OUTPUTS;
    const v0 = values[n]!;
    const v1 = values[n + 1]!;
    const v2 = values[n + 2]!;
    const v3 = values[n + 3]!;
    const v4 = values[n + 4]!;
    const v5 = values[n + 5]!;
    const v6 = values[n + 6]!;
    const v7 = values[n + 7]!;
    if (v0 === v1 && v0 === v2 && v0 === v3 && v0 === v4 && v0 === v5 && v0 === v6 && v0 === v7)
      for (let k = 0; k < OUTPUTS; k++)
        out[k]! +=
          v0 *
          (hashed[b0 + k]! +
            hashed[b1 + k]! +
            hashed[b2 + k]! +
            hashed[b3 + k]! +
            hashed[b4 + k]! +
            hashed[b5 + k]! +
            hashed[b6 + k]! +
            hashed[b7 + k]!);
    else
      for (let k = 0; k < OUTPUTS; k++)
        out[k]! +=
          v0 * hashed[b0 + k]! +
          v1 * hashed[b1 + k]! +
          v2 * hashed[b2 + k]! +
          v3 * hashed[b3 + k]! +
          v4 * hashed[b4 + k]! +
          v5 * hashed[b5 + k]! +
          v6 * hashed[b6 + k]! +
          v7 * hashed[b7 + k]!;
  }
  for (; n < length; n++) {
    const base = indices[n]! * OUTPUTS;
    const value = values[n]!;
    for (let k = 0; k < OUTPUTS; k++) out[k]! += value * hashed[base + k]!;
  }
  for (let k = 0; k < OUTPUTS; k++) out[k]! *= scales[k]!;
  const x = features.dense;
  for (let f = 0; f < DENSE_FEATURES; f++) {
    const value = x[f]!;
    if (value === 0) continue;
    const base = f * OUTPUTS;
    for (let k = 0; k < OUTPUTS; k++) out[k]! += value * dense[base + k]!;
  }
  for (const head of HEADS) softmax(out, head.from, head.from + head.labels.length);
}

/** Softmax in place over out[from..to). */
export function softmax(out: Float64Array, from: number, to: number): void {
  let max = -Infinity;
  for (let k = from; k < to; k++) max = Math.max(max, out[k]!);
  let sum = 0;
  for (let k = from; k < to; k++) sum += out[k] = Math.exp(out[k]! - max);
  for (let k = from; k < to; k++) out[k]! /= sum;
}

/** The index within a head of its most probable label. */
export function best(out: Float64Array, head: (typeof HEADS)[number]): number {
  let top = 0;
  for (let k = 1; k < head.labels.length; k++) if (out[head.from + k]! > out[head.from + top]!) top = k;
  return top;
}

/** The model file of float weights: each output's hashed weights quantised to int8 with its own scale. */
export function encodeModel(model: LinearModel, trained: Record<string, unknown>): ModelFile {
  const buckets = 1 << model.bits;
  const scales = new Float32Array(OUTPUTS);
  for (let k = 0; k < OUTPUTS; k++) {
    let max = 0;
    for (let f = 0; f < buckets; f++) max = Math.max(max, Math.abs(model.hashed[f * OUTPUTS + k]! * model.scales[k]!));
    scales[k] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(buckets * OUTPUTS);
  for (let i = 0; i < q.length; i++) {
    const k = i % OUTPUTS;
    q[i] = Math.round((model.hashed[i]! * model.scales[k]!) / scales[k]!);
  }
  return {
    format: 'switchboard-linear-1',
    bits: model.bits,
    outputs: HEADS.flatMap((h) => h.labels.map((l) => `${h.name}:${l}`)),
    denseFeatures: DENSE_FEATURES,
    scales: [...scales].map((s) => Number(s.toPrecision(6))),
    dense: [...model.dense].map((w) => Number(w.toPrecision(5))),
    hashed: deflateRawSync(q, { level: 9 }).toString('base64'),
    trained,
  };
}

/** The model a file holds; throws when it was written for other outputs or features than this code computes. */
export function decodeModel(file: ModelFile): LinearModel {
  const outputs = HEADS.flatMap((h) => h.labels.map((l) => `${h.name}:${l}`));
  if (file.format !== 'switchboard-linear-1' || file.outputs.join() !== outputs.join())
    throw new Error(`classifier model: unknown format or outputs (${file.format})`);
  if (file.denseFeatures !== DENSE_FEATURES || file.dense.length !== DENSE_FEATURES * OUTPUTS)
    throw new Error(`classifier model: ${file.denseFeatures} dense features, this code computes ${DENSE_FEATURES}`);
  const raw = inflateRawSync(Buffer.from(file.hashed, 'base64'));
  const hashed = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (hashed.length !== (1 << file.bits) * OUTPUTS) throw new Error('classifier model: truncated weights');
  return { bits: file.bits, hashed, scales: Float32Array.from(file.scales), dense: Float32Array.from(file.dense) };
}
