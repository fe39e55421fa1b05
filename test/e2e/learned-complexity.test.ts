// End to end: complexity learns from outcomes. Explain and the run record show the classifier's complexity as the
// prior, the prompt's cluster and the weak models' evidence on it; a weak model's failed calls and poor answers on
// that cluster raise the complexity of the next prompt of the cluster, and a strong model's do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { RoutingExplanation } from '../../src/server/routes/routing.js';
import { fakeModel, startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
// alpha is strong (0.9 ≥ strongQuality 0.8), beta and gamma are weak.
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
    routing: { pruning: { minSamples: 100 } },
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

/** A run on `model` with a run id, and its record once the gateway has written it. */
async function run(model: string, runId: string) {
  await gw.client.chat.completions
    .create({ model, messages: QUESTION }, { headers: { 'x-switchboard-run-id': runId } })
    .catch(() => undefined);
  let res = await fetch(`${gw.url}/v1/runs/${runId}`);
  for (let i = 0; i < 50 && res.status === 404; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    res = await fetch(`${gw.url}/v1/runs/${runId}`);
  }
  return (await res.json()) as { classification: { complexity: number; complexity_evidence?: unknown } };
}

describe('complexity learnt from outcomes', () => {
  it("is the classifier's with no evidence; weak models' failures on the cluster raise it, a strong model's do not", async () => {
    const before = await explain();
    const prior = before.complexity_evidence!.prior;
    expect(before.complexity_evidence).toMatchObject({ good: 0, bad: 0 });
    expect(before.complexity_evidence!.cluster).toMatch(/^chat__(easy|medium|hard)$/);
    expect(before.complexity).toBe(prior);

    // The strong model fails: no evidence about weak models.
    fakes.alpha.queue({ type: 'error', status: 500 });
    await run('alpha/alpha-chat', 'cx-strong');
    expect((await explain()).complexity_evidence).toMatchObject({ good: 0, bad: 0 });

    // A weak model fails twice (500s count against it), then answers with a refusal the judge scores 0.3.
    fakes.beta.queue({ type: 'error', status: 500 });
    await run('beta/beta-chat', 'cx-weak-1');
    fakes.beta.queue({ type: 'error', status: 500 });
    await run('beta/beta-chat', 'cx-weak-2');
    fakes.beta.queue({ type: 'text', text: "I'm sorry, but I can't help with that." });
    const record = await run('beta/beta-chat', 'cx-weak-3');
    expect(record.classification.complexity_evidence).toMatchObject({
      prior,
      cluster: before.complexity_evidence!.cluster,
    });

    let after = await explain();
    for (let i = 0; i < 50 && after.complexity_evidence!.bad < 2.7; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await explain();
    }
    expect(after.complexity_evidence).toMatchObject({ prior, good: 0.3 });
    expect(after.complexity_evidence!.bad).toBeCloseTo(2.7, 9);
    expect(after.complexity).toBe(Math.round(((30 * prior + 2.7) / 33) * 1000) / 1000);
    expect(after.complexity).toBeGreaterThan(prior);
  });
});
