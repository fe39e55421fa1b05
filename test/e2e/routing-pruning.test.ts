// End to end: a model that keeps failing is pruned (its fake stops receiving requests, explain lists it as skipped),
// and after the cool-down it is back in the plan on probation: it serves again once healthy, and one failure there
// prunes it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { RoutingExplanation } from '../../src/server/routes/routing.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { fakeModel, startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;

beforeAll(async () => {
  fakes = await startThreeProtocols();
  // alpha leads by far (balanced: 0.92 against 0.68 and 0.62), so it stays first until pruned, failures and all.
  const priors: Record<string, { quality: number; speed: number }> = {
    alpha: { quality: 1, speed: 0.8 },
    beta: { quality: 0.6, speed: 0.8 },
    gamma: { quality: 0.5, speed: 0.8 },
  };
  const providers = fakes.providers.map((p) => ({
    ...p,
    models: [fakeModel(`${p.id}-chat`, priors[p.id])],
  })) as ProviderEntry[];
  gw = await startTestGateway({
    providers,
    // About pruning and the order the priors give: the bandit (on by default) would reorder close models now and then,
    // and balanced's steering would narrow alpha's lead on an easy prompt below three failures' cost.
    routing: {
      pruning: { minSamples: 3, minSuccessRate: 0.5, coolDownMs: 1_000 },
      bandit: { enabled: false },
      complexity: { span: 0 },
    },
    // The provider's circuit could open on these failures: keep it shut, so that pruning is what is seen.
    accounts: { breakerMinCalls: 1_000 },
  });
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});

/** Chat calls a fake received (model lists and key checks are GETs). */
const calls = (fake: FakeUpstream) => fake.requests.filter((r) => r.method === 'POST').length;

async function ask(): Promise<string | null> {
  const { response } = await gw.client.chat.completions
    .create({ model: 'auto', messages: [{ role: 'user', content: 'hello there' }] })
    .withResponse();
  return response.headers.get('x-switchboard-model');
}

async function explain(): Promise<RoutingExplanation> {
  const res = await fetch(`${gw.url}/v1/routing/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hello there' }] }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as RoutingExplanation;
}

/** Polls `read` until `done` holds for its result (undefined after `timeoutMs`): no assumption on how long it takes. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  } while (Date.now() < deadline);
  return undefined;
}

describe('pruning', () => {
  it('takes a failing model out of plans, and brings it back after the cool-down', async () => {
    expect((await explain()).candidates[0]!.model).toBe('alpha/alpha-chat');
    fakes.alpha.setFallback({ type: 'error', status: 500 });

    // Three failures (minSamples) at a 0% success rate: each request is answered by beta, then alpha is pruned.
    for (let i = 1; i <= 3; i++) {
      expect(await ask()).toBe('beta/beta-chat');
      expect(calls(fakes.alpha)).toBe(i);
    }
    const pruned = await explain();
    expect(pruned.candidates.map((c) => c.model)).toEqual(['beta/beta-chat', 'gamma/gamma-chat']);
    const skipped = pruned.skipped.find((s) => s.model === 'alpha/alpha-chat');
    expect(skipped?.reason).toMatch(/^pruned: success rate 0% below 50% over 3 calls$/);

    // Pruned: requests no longer reach alpha at all.
    for (let i = 0; i < 3; i++) expect(await ask()).toBe('beta/beta-chat');
    expect(calls(fakes.alpha)).toBe(3);

    // After the cool-down alpha is a candidate again, on probation with fresh stats, and serves once healthy.
    fakes.alpha.setFallback({ type: 'text', text: 'alpha is back' });
    const back = await until(explain, (plan) => plan.candidates.some((c) => c.model === 'alpha/alpha-chat'));
    expect(back!.candidates[0]!.model).toBe('alpha/alpha-chat');
    expect(back?.skipped).toEqual([]);
    // Its old averages are gone: no measured success rate among its reasons.
    expect(back!.candidates[0]!.reasons.some((r) => r.startsWith('success'))).toBe(false);
    expect(await ask()).toBe('alpha/alpha-chat');
    expect(calls(fakes.alpha)).toBe(4);

    // On probation a single failure is enough to prune it again.
    fakes.alpha.queue({ type: 'error', status: 500 });
    expect(await ask()).toBe('beta/beta-chat');
    expect((await explain()).skipped).toEqual([
      { model: 'alpha/alpha-chat', reason: 'pruned: a call failed while on probation' },
    ]);
    expect(await ask()).toBe('beta/beta-chat');
    expect(calls(fakes.alpha)).toBe(5);
  });
});
