// The default classifier: a linear model (model.json, trained by bench/train-classifier.ts on the prompt bank) over
// hashed n-grams and dense features, with heads for task, domain and difficulty. It runs the rule classifier first
// (for its scores, as features, and for everything else a classification holds: needs, size, query).
import { DOMAINS, TASKS } from '../../config/schema.js';
import type { Classification } from '../types.js';
import { createFeatureExtractor } from './features.js';
import { HEADS, OUTPUTS, best, decodeModel, predict, type LinearModel, type ModelFile } from './linear-model.js';
import modelFile from './model.json' with { type: 'json' };
import type { Classifier, ClassifyInput } from './types.js';

let shipped: LinearModel | undefined;

/** The model shipped in model.json, decoded on first use and then shared. */
function shippedModel(): LinearModel {
  return (shipped ??= decodeModel(modelFile as ModelFile));
}

const [TASK, DOMAIN, DIFFICULTY] = HEADS;

/**
 * A classifier over `model` (the shipped one by default). `confidence` is the top task's probability;
 * `complexity` is P(medium) / 2 + P(hard) of the difficulty head.
 */
export function createLearnedClassifier(options: { model?: LinearModel } = {}): Classifier {
  const model = options.model ?? shippedModel();
  const extractor = createFeatureExtractor(model.bits);
  const out = new Float64Array(OUTPUTS);

  function classify(request: ClassifyInput): Classification {
    const { features, scoring } = extractor.extract(request);
    predict(model, features, out);
    const task = best(out, TASK);
    const medium = out[DIFFICULTY.from + 1]!;
    const hard = out[DIFFICULTY.from + 2]!;
    // The rules' classification is this call's own (built fresh by every score): it is relabelled in place rather than
    // copied, which cost as much as the rest of this function. Keys keep their order; `confidence` comes last.
    const classification = scoring.classification;
    classification.task = TASKS[task]!;
    classification.domain = DOMAINS[best(out, DOMAIN)]!;
    classification.complexity = Math.round((medium / 2 + hard) * 1000) / 1000;
    classification.confidence = Math.round(out[TASK.from + task]! * 1000) / 1000;
    return classification;
  }

  return { classify };
}
