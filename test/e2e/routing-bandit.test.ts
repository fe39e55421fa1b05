// End to end: with `routing.bandit` on, explain shows each candidate's (task, model) posterior and the quality drawn
// from it, and the gateway's own calls move it: a judged answer adds its score to the arm, a failed call a miss, a
// streamed answer (sent unjudged) a hit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { RoutingExplanation } from '../../src/server/routes/routing.js';
import { fakeModel, startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
const PRIORS: Record<string, number> = { alpha: 0.9, beta: 0.6, gamma: 0.5 };
const QUESTION = [{ role: 'user' as const, content: 'hello there, how are you today?' }];

beforeAll(async () => {
  fakes = await startThreeProtocols();
  const providers = fakes.providers.map((p) => ({
    ...p,
    models: [fakeModel(`${p.id}-chat`, { quality: PRIORS[p.id]!, speed: 0.8 })],
  })) as ProviderEntry[];
  gw = await startTestGateway({
    providers,
    // A strong prior: alpha stays first whatever the draws, so the test knows which model answers.
    routing: { bandit: { enabled: true, priorStrength: 400, seed: 7 }, pruning: { minSamples: 100 } },
    accounts: { breakerMinCalls: 1_000 },
  });
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});

async function explain(): Promise<RoutingExplanation> {
  const res = await fetch(`${gw.url}/v1/routing/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: QUESTION }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as RoutingExplanation;
}

const alphaOf = (plan: RoutingExplanation) => plan.candidates.find((c) => c.model === 'alpha/alpha-chat')!;

describe('the bandit in explain', () => {
  it('shows the prior as the posterior before any answer, then the evidence of judged and failed calls', async () => {
    const before = await explain();
    expect(before.task).toBe('chat');
    for (const candidate of before.candidates) {
      const prior = PRIORS[candidate.model.split('/')[0]!]!;
      expect(candidate.bandit).toMatchObject({ good: 0, bad: 0 });
      expect(candidate.bandit!.alpha).toBeCloseTo(400 * prior, 9);
      expect(candidate.bandit!.beta).toBeCloseTo(400 * (1 - prior), 9);
      expect(candidate.bandit!.mean).toBeCloseTo(prior, 9);
      expect(candidate.bandit!.sample).toBeGreaterThan(0);
      expect(candidate.bandit!.sample).toBeLessThan(1);
      expect(candidate.reasons[0]).toMatch(
        /^quality 0\.\d+ for chat \(drawn from Beta\(α \d+, β \d+\): mean 0\.\d+, prior /,
      );
      expect(candidate.reasons[0]).toContain('no evidence');
    }

    // What the bandit did: a draw per candidate, each one's place with and without its draw.
    expect(before.bandit).toMatchObject({ priorStrength: 400, window: 200, drew: true });
    expect(before.classifier).toMatchObject({ by: 'learned' });
    before.candidates.forEach((candidate, i) => {
      expect(candidate.bandit).toMatchObject({ evidence: 0, rank: i + 1 });
      expect(candidate.bandit!.moved).toBe(candidate.bandit!.rankWithoutDraw !== i + 1);
    });
    expect(before.bandit!.reordered).toBe(before.candidates.some((c) => c.bandit!.moved));
    expect(before.candidates.map((c) => c.bandit!.rankWithoutDraw).sort()).toEqual([1, 2, 3]);

    // One answer, judged: its score is alpha's evidence for chat.
    fakes.alpha.setFallback({ type: 'text', text: 'I am well, thank you for asking. How can I help you today?' });
    const { response } = await gw.client.chat.completions.create({ model: 'auto', messages: QUESTION }).withResponse();
    expect(response.headers.get('x-switchboard-model')).toBe('alpha/alpha-chat');
    const judged = alphaOf(await explain()).bandit!;
    expect(judged.good + judged.bad).toBeCloseTo(1, 9);
    expect(judged.good).toBeGreaterThan(0.5);
    expect(judged.alpha).toBeCloseTo(360 + judged.good, 9);

    // A failed call (a 500, which counts against the model) adds a miss; the request is answered by the next model.
    fakes.alpha.queue({ type: 'error', status: 500 });
    const failed = await gw.client.chat.completions.create({ model: 'auto', messages: QUESTION }).withResponse();
    expect(failed.response.headers.get('x-switchboard-model')).not.toBe('alpha/alpha-chat');
    const after = alphaOf(await explain());
    expect(after.bandit!.bad).toBeCloseTo(judged.bad + 1, 9);
    expect(after.bandit!.good).toBeCloseTo(judged.good, 9);
    expect(after.reasons[0]).toContain(`evidence ${Math.round(judged.good * 100) / 100} good`);

    // A streamed answer is sent as it comes, unjudged: that it came counts as one good answer.
    const stream = await gw.client.chat.completions.create({ model: 'auto', messages: QUESTION, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('I am well');
    const streamed = alphaOf(await explain()).bandit!;
    expect(streamed.good).toBeCloseTo(judged.good + 1, 9);
    expect(streamed.bad).toBeCloseTo(after.bandit!.bad, 9);
  });

  it('draws nothing for a model the client named: its posterior mean, its place unchanged', async () => {
    const res = await fetch(`${gw.url}/v1/routing/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gamma/gamma-chat', models: ['alpha/alpha-chat'], messages: QUESTION }),
    });
    const plan = (await res.json()) as RoutingExplanation;
    expect(plan.candidates.map((c) => c.model)).toEqual(['gamma/gamma-chat', 'alpha/alpha-chat']);
    expect(plan.bandit).toMatchObject({ drew: false, reordered: false });
    for (const candidate of plan.candidates) {
      expect(candidate.bandit!.sample).toBeUndefined();
      expect(candidate.bandit!.moved).toBe(false);
      expect(candidate.reasons[0]).toContain('mean of Beta');
    }
  });

  it('moves a candidate when its draw outweighs the means: weak priors a hair apart trade places now and then', async () => {
    // Not the gateway above: a prior worth one answer, so draws range widely.
    const weak = await startTestGateway({
      providers: fakes.providers.map((p) => ({
        ...p,
        models: [fakeModel(`${p.id}-chat`, { quality: 0.7, speed: 0.8 })],
      })),
      routing: { bandit: { priorStrength: 1, seed: 11 } },
    });
    try {
      const plans: RoutingExplanation[] = [];
      for (let i = 0; i < 12; i += 1) {
        const res = await fetch(`${weak.url}/v1/routing/explain`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'auto', messages: QUESTION }),
        });
        plans.push((await res.json()) as RoutingExplanation);
      }
      const meanOrder = (plan: RoutingExplanation) =>
        [...plan.candidates].sort((x, y) => x.bandit!.rankWithoutDraw - y.bandit!.rankWithoutDraw).map((c) => c.model);
      // The order without draws is one order, whatever was drawn; the drawn orders differ from it now and then.
      expect(new Set(plans.map((plan) => meanOrder(plan).join())).size).toBe(1);
      const reordered = plans.filter((plan) => plan.bandit!.reordered);
      expect(reordered.length).toBeGreaterThan(0);
      for (const plan of reordered) {
        expect(plan.candidates.map((c) => c.model)).not.toEqual(meanOrder(plan));
        expect(plan.candidates.some((c) => c.bandit!.moved)).toBe(true);
      }
    } finally {
      await weak.close();
    }
  });
});
