// The classify step's default classifier: the learned one (learned-classifier.ts), built once.
import type { Classification } from '../types.js';
import { createLearnedClassifier } from './learned-classifier.js';
import type { ClassifyInput } from './types.js';

const defaultClassifier = createLearnedClassifier();

/** Classifies a request with the default (learned) classifier. */
export function classify(request: ClassifyInput): Classification {
  return defaultClassifier.classify(request);
}
