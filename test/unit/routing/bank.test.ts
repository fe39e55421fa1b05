// The routing prompt bank: every row well-formed, its split fixed by the text, and the committed learned model's
// accuracy on the held-out split (floors a little under what docs/ROUTING.md reports: 87.0 % task, 83.0 % domain).
import { describe, expect, it } from 'vitest';
import { DOMAINS, TASKS } from '../../../src/config/schema.js';
import { createLearnedClassifier } from '../../../src/routing/classifier/learned-classifier.js';
import { DIFFICULTIES } from '../../../src/routing/classifier/linear-model.js';
import { createRuleClassifier } from '../../../src/routing/classifier/rule-classifier.js';
import { scoreClassifier } from '../../fixtures/routing/labelled.js';
import { loadBank, splitOf } from '../../fixtures/routing/bank-set.js';

const bank = loadBank();
const heldout = bank.filter((p) => splitOf(p.text) === 'heldout').map((p) => ({ ...p, split: 'test' as const }));

describe('the prompt bank', () => {
  it('has thousands of well-formed rows, each text once, every label of every head present', () => {
    expect(bank.length).toBeGreaterThan(4000);
    for (const p of bank) {
      expect(TASKS, p.text).toContain(p.task);
      expect(DOMAINS, p.text).toContain(p.domain);
      expect(DIFFICULTIES, p.text).toContain(p.difficulty);
      expect(p.source, p.text).toMatch(/^written for Switchboard \(bank [abcm]\)$/);
    }
    expect(new Set(bank.map((p) => p.text)).size).toBe(bank.length);
    for (const task of TASKS) expect(bank.filter((p) => p.task === task).length, task).toBeGreaterThan(100);
  });

  it('splits by the text alone: about a fifth held out, the same text always in the same split', () => {
    expect(heldout.length / bank.length).toBeGreaterThan(0.15);
    expect(heldout.length / bank.length).toBeLessThan(0.25);
    expect(splitOf('hello there')).toBe(splitOf('hello there'));
    const splits = new Set(Array.from({ length: 200 }, (_, i) => splitOf(`prompt ${i}`)));
    expect(splits).toEqual(new Set(['train', 'validation', 'heldout']));
  });

  it('the committed model labels the held-out split better than the rules: task at least 0.83, domain 0.78', () => {
    const learned = scoreClassifier(createLearnedClassifier(), heldout);
    const rules = scoreClassifier(createRuleClassifier(), heldout);
    expect(learned.task).toBeGreaterThanOrEqual(0.83);
    expect(learned.domain).toBeGreaterThanOrEqual(0.78);
    expect(learned.task).toBeGreaterThan(rules.task);
  });
});
