// APGR (test/fixtures/routing/apgr.ts): the area under the performance-gap-recovered curve, on cases worked by hand.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/routing/seeded-random.js';
import { apgr } from '../../fixtures/routing/apgr.js';

describe('apgr', () => {
  // Two prompts: the weak model fails the first, both models answer the second. The whole gap is the first prompt.
  const weak = [0, 1];
  const strong = [1, 1];

  it('is 0.75 when the score ranks the prompt that needs the strong model first', () => {
    // PGR is 0 at 0 % strong calls, 1 at 50 % and 100 %: trapezoids 0.5 · 0.5 + 0.5 · 1 = 0.75.
    expect(apgr([0.9, 0.1], weak, strong)).toBeCloseTo(0.75, 12);
  });

  it('is 0.25 when it ranks it last, and 0.5 when it cannot tell them apart (a tie)', () => {
    // PGR 0, 0, then 1: only the last trapezoid, 0.5 · 0.5 = 0.25.
    expect(apgr([0.1, 0.9], weak, strong)).toBeCloseTo(0.25, 12);
    expect(apgr([0.4, 0.4], weak, strong)).toBeCloseTo(0.5, 12);
  });

  it('follows the curve over several prompts (four prompts, gains 1, 0, 0.5, 0.5 in score order)', () => {
    // Ordered by score: gains 1, 0.5, 0.5, 0 of 2: PGR 0, 0.5, 0.75, 1, 1 at x = 0, 1/4, 1/2, 3/4, 1.
    const scores = [0.9, 0.1, 0.6, 0.5];
    const w = [0, 1, 0.5, 0];
    const s = [1, 1, 1, 0.5];
    const expected = 0.25 * ((0 + 0.5) / 2 + (0.5 + 0.75) / 2 + (0.75 + 1) / 2 + (1 + 1) / 2);
    expect(apgr(scores, w, s)).toBeCloseTo(expected, 12);
  });

  it('is about 0.5 for random scores', () => {
    const random = seededRandom(3);
    const n = 4000;
    const w = Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    const s = Array.from({ length: n }, () => 1);
    const values = Array.from({ length: 10 }, () =>
      apgr(
        Array.from({ length: n }, () => random()),
        w,
        s,
      ),
    );
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.47);
    expect(mean).toBeLessThan(0.53);
  });

  it('refuses a set where the strong model recovers nothing', () => {
    expect(() => apgr([1, 0], [1, 1], [1, 1])).toThrow(/better/);
    expect(() => apgr([1], [0, 1], [1, 1])).toThrow(/one score/);
  });
});
