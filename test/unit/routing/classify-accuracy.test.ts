// The labelled prompt set: its coverage, and the classifier's accuracy on it. The floors are the accuracy measured
// when the rules were last tuned (on the dev split only) minus a margin; bench/classify-accuracy.ts prints the figures.
import { describe, expect, it } from 'vitest';
import { DOMAINS, TASKS } from '../../../src/config/schema.js';
import { createRuleClassifier } from '../../../src/routing/classifier/rule-classifier.js';
import { loadLabelledPrompts, scoreClassifier } from '../../fixtures/routing/labelled.js';

const prompts = loadLabelledPrompts();
const dev = prompts.filter((p) => p.split === 'dev');
const test = prompts.filter((p) => p.split === 'test');

describe('labelled prompts', () => {
  it('cover every task (20 or more each) and every domain, each prompt with a source, split about 70/30', () => {
    expect(prompts.length).toBeGreaterThanOrEqual(300);
    for (const task of TASKS) expect(prompts.filter((p) => p.task === task).length, task).toBeGreaterThanOrEqual(20);
    for (const domain of DOMAINS)
      expect(prompts.filter((p) => p.domain === domain).length, domain).toBeGreaterThanOrEqual(20);
    for (const p of prompts) expect(p.source.length, p.text).toBeGreaterThan(0);
    expect(new Set(prompts.map((p) => p.text)).size).toBe(prompts.length);
    expect(test.length / prompts.length).toBeGreaterThan(0.25);
    expect(test.length / prompts.length).toBeLessThan(0.35);
  });
});

describe('rule classifier accuracy', () => {
  const classifier = createRuleClassifier();

  // Measured: test 0.932 task, 0.876 domain; dev 0.992 task, 0.975 domain.
  it('labels the held-out test split: task at least 0.85, domain at least 0.80', () => {
    const card = scoreClassifier(classifier, test);
    expect(card.task).toBeGreaterThanOrEqual(0.85);
    expect(card.domain).toBeGreaterThanOrEqual(0.8);
  });

  it('labels the dev split it was tuned on: task at least 0.93, domain at least 0.9', () => {
    const card = scoreClassifier(classifier, dev);
    expect(card.task).toBeGreaterThanOrEqual(0.93);
    expect(card.domain).toBeGreaterThanOrEqual(0.9);
  });

  it('gets most of every task right on the whole set (at least 0.75 each)', () => {
    const card = scoreClassifier(classifier, prompts);
    for (const task of TASKS) {
      const row = card.perTask.get(task)!;
      expect(row.correct / row.count, task).toBeGreaterThanOrEqual(0.75);
    }
  });
});
