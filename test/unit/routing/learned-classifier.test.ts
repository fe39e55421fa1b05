// The learned classifier: feature hashing, training that learns what the rules do not know, the model file's round
// trip, and the committed model on prompts nobody could mislabel.
import { describe, expect, it } from 'vitest';
import { DOMAINS, TASKS } from '../../../src/config/schema.js';
import { createFeatureExtractor } from '../../../src/routing/classifier/features.js';
import { createFeatureHasher } from '../../../src/routing/classifier/hashing.js';
import { createLearnedClassifier } from '../../../src/routing/classifier/learned-classifier.js';
import { DIFFICULTIES, decodeModel, encodeModel } from '../../../src/routing/classifier/linear-model.js';
import { trainLinearModel, type TrainingExample } from '../../../src/routing/classifier/train.js';
import type { ClassifyInput } from '../../../src/routing/classifier/types.js';

const user = (content: string): ClassifyInput => ({ messages: [{ role: 'user', content }] });

describe('feature hashing', () => {
  const hash = (text: string, bits = 16, charGrams = true) => {
    const hasher = createFeatureHasher(bits);
    hasher.add(text, 1, charGrams);
    const { indices, values, length } = hasher.finish();
    return new Map([...indices.slice(0, length)].map((index, k) => [index, values[k]!]));
  };

  it('gives the same buckets and values for the same text, in any hasher, and an l2 norm of 1', () => {
    const text = 'write a python function that parses iso dates — and test it';
    const a = hash(text);
    expect(hash(text)).toEqual(a);
    expect([...a.values()].reduce((sum, v) => sum + v * v, 0)).toBeCloseTo(1, 5);
    expect(hash('a different prompt entirely')).not.toEqual(a);
  });

  it('counts words sublinearly and keeps character n-grams apart from words', () => {
    const words = hash('cat cat cat dog', 16, false);
    expect(words.size).toBe(4); // cat, dog, "cat cat", "cat dog"
    const values = [...words.values()].sort((x, y) => x - y);
    // cat: 1 + ln 3; dog and each bigram once ("cat cat" twice: 1 + ln 2).
    expect(values.at(-1)! / values[0]!).toBeCloseTo(1 + Math.log(3), 4);
    expect(hash('cat cat cat dog').size).toBeGreaterThan(words.size);
  });

  it('reads CJK characters as words and digits as one shape', () => {
    expect(hash('早上好', 16, false).size).toBe(5); // three characters, two bigrams
    expect(hash('order 123', 16, false)).toEqual(hash('order 987', 16, false));
  });
});

describe('training', () => {
  // Made-up words the rules know nothing of: only the hashed features can tell these classes apart.
  const extractor = createFeatureExtractor(12);
  const example = (text: string, task: string, domain: string): TrainingExample => {
    const { features } = extractor.extract(user(text));
    return {
      indices: features.indices.slice(0, features.length),
      values: features.values.slice(0, features.length),
      dense: features.dense.slice(),
      labels: [TASKS.indexOf(task as never), DOMAINS.indexOf(domain as never), DIFFICULTIES.indexOf('easy')],
    };
  };
  const things = ['lamp', 'river', 'window', 'garden', 'clock', 'pillow', 'engine', 'violin'];
  const examples = things.flatMap((thing) => [
    example(`please zorble the ${thing} quickly`, 'math', 'legal'),
    example(`could you flimmer my ${thing} today`, 'roleplay', 'general'),
  ]);

  it('separates classes the rules cannot see, on prompts it was not trained on', () => {
    const model = trainLinearModel(examples, { bits: 12, epochs: 20, l2: 1e-5, learningRate: 0.5, seed: 1 });
    const classifier = createLearnedClassifier({ model });
    expect(classifier.classify(user('please zorble the kettle quickly'))).toMatchObject({
      task: 'math',
      domain: 'legal',
    });
    expect(classifier.classify(user('could you flimmer my kettle today')).task).toBe('roleplay');
  });

  it('is deterministic, and the quantised model file predicts as the float model does', () => {
    const options = { bits: 12, epochs: 5, l2: 1e-4, learningRate: 0.5, seed: 7 };
    const model = trainLinearModel(examples, options);
    expect(trainLinearModel(examples, options).hashed).toEqual(model.hashed);
    expect(trainLinearModel(examples, { ...options, seed: 8 }).hashed).not.toEqual(model.hashed);
    const file = JSON.parse(JSON.stringify(encodeModel(model, {})));
    const float = createLearnedClassifier({ model });
    const quantised = createLearnedClassifier({ model: decodeModel(file) });
    for (const prompt of ['please zorble the kettle quickly', 'could you flimmer my kettle today']) {
      const [a, b] = [float.classify(user(prompt)), quantised.classify(user(prompt))];
      expect(b.task).toBe(a.task);
      expect(Math.abs(b.confidence! - a.confidence!)).toBeLessThan(0.05);
    }
  });

  it('refuses a model file written for other outputs or features', () => {
    const file = encodeModel(trainLinearModel([], { bits: 8, epochs: 1, l2: 0, learningRate: 0.1, seed: 1 }), {});
    expect(() => decodeModel({ ...file, denseFeatures: 3 })).toThrow(/dense features/);
    expect(() => decodeModel({ ...file, outputs: file.outputs.slice(1) })).toThrow(/outputs/);
  });
});

describe('the committed model', () => {
  const classifier = createLearnedClassifier();

  it.each([
    ['code', 'Write a Python function that removes duplicates from a list while keeping the order.'],
    ['math', 'Solve for x: 5x - 3 = 2x + 9.'],
    ['translation', 'Translate into French: "The meeting is moved to Thursday."'],
    ['creative_writing', 'Write a poem about a city waking up.'],
    ['chat', 'hi there! how are you doing today?'],
  ] as const)('labels an unmistakable %s prompt', (task, prompt) => {
    const c = classifier.classify(user(prompt));
    expect(c.task).toBe(task);
    expect(c.confidence).toBeGreaterThan(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
  });

  it('rates a long multi-step proof harder than a greeting, and keeps what the rules found', () => {
    const hard = classifier.classify(
      user(
        'Prove that every continuous function on a closed bounded interval is uniformly continuous. Then show, ' +
          'step by step, where the proof fails on an open interval, with a counterexample, and explain why ' +
          'compactness is exactly what is needed.',
      ),
    );
    const easy = classifier.classify(user('hi'));
    expect(hard.complexity).toBeGreaterThan(easy.complexity);
    expect(easy.query).toBe('hi');
    expect(easy.estimatedTokens).toBe(1);
  });
});
