// The one way a request is routed (the request graph and /v1/routing/explain): labelled once (classification and
// the rule it matches), then planned with the live view and that rule.
import { describe, expect, it } from 'vitest';
import type { RoutingRule } from '../../../src/config/routing-schema.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { labelRequest, planRequest, type RouterView } from '../../../src/routing/route-context.js';

const model = (id: string, quality: number, speed: number) => ({
  id,
  capabilities: ['chat' as const],
  contextWindow: 8192,
  quality,
  speed,
  costPer1M: { input: 0, output: 0 },
});
const provider = (id: string, models: Array<ReturnType<typeof model>>) => ({
  id,
  protocol: 'openai' as const,
  baseUrl: 'http://127.0.0.1:1/v1',
  apiKeys: ['k'],
  models,
});
const providers = [provider('fast', [model('tiny', 0.4, 0.95)]), provider('smart', [model('big', 0.95, 0.3)])];
const registry = resolveCatalogWithKeys([], providers, {});
const view: RouterView = { now: () => 0 };
const translate = {
  model: 'auto',
  messages: [{ role: 'user' as const, content: 'Translate "good morning" into French.' }],
};
const rules = [
  { name: 'code', when: { task: ['code'] }, prefer: ['fast/tiny'] },
  { name: 'translations', when: { task: ['translation'] }, prefer: ['fast/tiny'], cache: true },
  { name: 'later', when: { task: ['translation'] } },
] as RoutingRule[];

describe('labelRequest', () => {
  it('classifies the request and finds the first rule it matches', () => {
    const labelled = labelRequest(translate, rules);
    expect(labelled.classification.task).toBe('translation');
    expect(labelled.rule?.name).toBe('translations');
  });

  it('matches no rule when none holds, or there are none', () => {
    expect(labelRequest({ messages: [{ role: 'user', content: 'Hi, how are you?' }] }, rules).rule).toBeUndefined();
    expect(labelRequest(translate, undefined).rule).toBeUndefined();
  });
});

describe('planRequest', () => {
  it('plans with the rule it is given (its order and cache), and the model named in the request', () => {
    const labelled = labelRequest(translate, rules);
    const plan = planRequest(registry, { ...labelled, model: 'auto', route: { mode: 'best_quality' } }, view);
    expect([plan.rule, plan.cache, plan.candidates[0]!.model.ref]).toEqual(['translations', true, 'fast/tiny']);
    const named = planRequest(registry, { ...labelled, model: 'smart/big', route: { mode: 'best_quality' } }, view);
    expect(named.candidates.map((c) => c.model.ref)).toEqual(['smart/big']);
  });

  it('never matches the rules itself: without a rule, none applies', () => {
    const { classification } = labelRequest(translate, rules);
    const plan = planRequest(registry, { classification, model: 'auto', route: { mode: 'best_quality' } }, view);
    expect([plan.rule, plan.candidates[0]!.model.ref]).toEqual([undefined, 'smart/big']);
  });

  it('sees the live gateway through the view: providers that cannot take a call are skipped', () => {
    const resting: RouterView = {
      now: () => 0,
      availability: (provider) =>
        provider.id === 'smart' ? { kind: 'resting', reason: 'every key resting', retryAfterMs: 1_000 } : undefined,
    };
    const labelled = labelRequest(translate, []);
    const plan = planRequest(registry, { ...labelled, model: 'auto', route: { mode: 'best_quality' } }, resting);
    expect(plan.candidates.map((c) => c.model.ref)).toEqual(['fast/tiny']);
    expect(plan.skipped).toEqual([{ ref: 'smart/big', reason: 'every key resting' }]);
  });
});
