// Complexity steering `balanced`'s weights (routing.complexity.span): an easy prompt to the fast model, a hard one to
// the strong model; span 0, `fastest`, `best_quality` and a pinned model as before.
import { describe, expect, it } from 'vitest';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { RoutingSchema } from '../../../src/config/routing-schema.js';
import type { ModelConfig } from '../../../src/config/schema.js';
import { classify } from '../../../src/routing/classifier/classify.js';
import { planRoute, type RouteRequest } from '../../../src/routing/plan.js';
import type { Classification } from '../../../src/routing/types.js';
import { modeWeights } from '../../../src/routing/weights.js';

const model = (id: string, quality: number, speed: number, price = 0): ModelConfig => ({
  id,
  capabilities: ['chat'],
  contextWindow: 8192,
  quality,
  speed,
  costPer1M: { input: price, output: price },
});
const catalog = (models: ModelConfig[]) =>
  resolveCatalogWithKeys(
    [],
    [
      { id: 'a', protocol: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKeys: ['k'], models: [models[0]!] },
      { id: 'b', protocol: 'openai', baseUrl: 'http://127.0.0.1:2/v1', apiKeys: ['k'], models: [models[1]!] },
    ],
    {},
  );
/** A strong, slow model and a weak, fast one: at balanced's base weights the fast one ranks first (0.72 vs 0.66). */
const registry = catalog([model('strong', 0.9, 0.3), model('fast', 0.6, 0.9)]);

const prompt = classify({ messages: [{ role: 'user', content: 'hello' }] });
const at = (complexity: number): Classification => ({ ...prompt, complexity });
const plan = (complexity: number, span: number | undefined, route: Partial<RouteRequest> = {}) =>
  planRoute(
    registry,
    { model: 'auto', mode: 'balanced', ...route },
    at(complexity),
    span === undefined ? {} : { complexitySpan: span },
  );
const order = (complexity: number, span: number | undefined, route: Partial<RouteRequest> = {}) =>
  plan(complexity, span, route).candidates.map((c) => c.model.ref);

describe('modeWeights', () => {
  it("moves balanced's quality weight by span · (2c − 1), speed its complement, the paid penalty with speed", () => {
    expect(modeWeights('balanced', 0.5, 0.2)).toEqual({ quality: 0.6, speed: 0.4, cost: 1 });
    const easy = modeWeights('balanced', 0, 0.2);
    expect(easy.quality).toBeCloseTo(0.4);
    expect(easy.speed).toBeCloseTo(0.6);
    expect(easy.cost).toBeCloseTo(1.5);
    const hard = modeWeights('balanced', 1, 0.2);
    expect(hard.quality).toBeCloseTo(0.8);
    expect(hard.speed).toBeCloseTo(0.2);
    expect(hard.cost).toBeCloseTo(0.5);
  });

  it('keeps the mode weights at span 0, and in fastest and best_quality at any span', () => {
    for (const complexity of [0, 0.3, 1]) {
      expect(modeWeights('balanced', complexity, 0)).toEqual({ quality: 0.6, speed: 0.4, cost: 1 });
      expect(modeWeights('fastest', complexity, 0.4)).toEqual({ quality: 0.25, speed: 0.75, cost: 1 });
      expect(modeWeights('best_quality', complexity, 0.4)).toEqual({ quality: 0.9, speed: 0.1, cost: 1 });
    }
  });

  it('defaults to a span of 0.2 in the config', () => {
    expect(RoutingSchema.parse({}).complexity.span).toBe(0.2);
    expect(() => RoutingSchema.parse({ complexity: { span: 0.5 } })).toThrow();
  });
});

describe('complexity steering the plan', () => {
  it('sends an easy prompt to the fast model and a hard one to the strong model', () => {
    expect(order(0.1, 0.2)).toEqual(['b/fast', 'a/strong']);
    expect(order(0.9, 0.2)).toEqual(['a/strong', 'b/fast']);
    // A span too small for this catalog's gap leaves even a hard prompt with the fast model.
    expect(order(0.9, 0.05)).toEqual(['b/fast', 'a/strong']);
  });

  it('ranks and scores as before at span 0 or without a span, whatever the complexity', () => {
    for (const complexity of [0.1, 0.5, 0.9]) {
      const before = plan(complexity, undefined).candidates.map((c) => [c.model.ref, c.score, c.reasons]);
      expect(plan(complexity, 0).candidates.map((c) => [c.model.ref, c.score, c.reasons])).toEqual(before);
      expect(before.map(([ref]) => ref)).toEqual(['b/fast', 'a/strong']);
    }
  });

  it('says the weights it used in each reason list and in the plan', () => {
    const hard = plan(0.9, 0.2);
    expect(hard.weights).toMatchObject({ quality: expect.closeTo(0.76), speed: expect.closeTo(0.24) });
    expect(hard.candidates[0]!.reasons.at(-1)).toBe('weights quality 0.76, speed 0.24, price ×0.6 for complexity 0.9');
    expect(plan(0.9, 0).candidates[0]!.reasons.some((r) => r.startsWith('weights'))).toBe(false);
  });

  it('leaves fastest, best_quality and a client-pinned model alone', () => {
    expect(order(0.9, 0.4, { mode: 'fastest' })).toEqual(['b/fast', 'a/strong']);
    expect(order(0.1, 0.4, { mode: 'best_quality' })).toEqual(['a/strong', 'b/fast']);
    const pinned = { model: 'b/fast', models: ['a/strong'] };
    const scores = (span: number) => plan(0.9, span, pinned).candidates.map((c) => [c.model.ref, c.score]);
    expect(scores(0.4)).toEqual(scores(0));
  });

  it('lets a hard prompt pay for a strong model that a free fast one beats at the base weights', () => {
    const paid = catalog([model('strong', 0.9, 0.5, 3), model('fast', 0.6, 0.8)]);
    const first = (complexity: number, span: number) =>
      planRoute(paid, { model: 'auto', mode: 'balanced' }, at(complexity), { complexitySpan: span }).candidates[0]!
        .model.ref;
    expect(first(0.95, 0)).toBe('b/fast');
    expect(first(0.95, 0.3)).toBe('a/strong');
    expect(first(0.5, 0.3)).toBe('b/fast');
  });
});
