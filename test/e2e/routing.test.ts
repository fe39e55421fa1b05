// End to end: the router over HTTP in front of fake upstreams of different speed and quality: model_quality, task
// strengths, pinned providers and models, config rules (task, keywords, minTokens, mode), POST /v1/routing/explain
// and GET /v1/runs/{run_id} after a fallback. Every choice is checked on what reached the fakes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { RoutingExplanation } from '../../src/server/routes/routing.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { fakeModel, startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

type Name = 'alpha' | 'beta' | 'gamma';
type Priors = Record<Name, Parameters<typeof fakeModel>[1]>;

/**
 * alpha: strong and slow; beta: fast and weak; gamma: middling, but the best at code. Scores (quality·wq + speed·ws):
 * chat balanced beta 0.68 > alpha 0.66 > gamma 0.60; fastest beta; best_quality alpha; code gamma in every mode.
 */
const PRIORS: Priors = {
  alpha: { quality: 0.9, speed: 0.3 },
  beta: { quality: 0.5, speed: 0.95 },
  gamma: { quality: 0.6, speed: 0.6, strengths: { code: 0.95 } },
};
/** The same without gamma's code strength: code requests rank beta, alpha, gamma, unless a rule says otherwise. */
const PLAIN: Priors = { ...PRIORS, gamma: { quality: 0.6, speed: 0.6 } };

const CODE = 'Write a Python function that reverses a linked list.';
const CHAT = 'Hi, how are you?';

let fakes: ThreeProtocols;
let gw: TestGateway;
const extra: TestGateway[] = [];

const providersWith = (priors: Priors) =>
  fakes.providers.map((p) => ({ ...p, models: [fakeModel(`${p.id}-chat`, priors[p.id as Name])] })) as ProviderEntry[];

async function gatewayWith(priors: Priors, config: Record<string, unknown> = {}): Promise<TestGateway> {
  // These tests are about the order the scores give (some 0.02 apart) at the mode's own weights: the bandit (on by
  // default) would draw other orders now and then, and balanced's steering by complexity (on by default) would lean an
  // easy prompt to the faster model. Their own tests: routing-bandit*.test.ts, test/unit/routing/weights.test.ts.
  const routing = {
    bandit: { enabled: false },
    complexity: { span: 0 },
    ...(config['routing'] as Record<string, unknown> | undefined),
  };
  const started = await startTestGateway({ providers: providersWith(priors), ...config, routing });
  extra.push(started);
  return started;
}

beforeAll(async () => {
  fakes = await startThreeProtocols();
});
afterAll(async () => {
  await fakes?.closeAll();
});
// A gateway per test: live stats measured by one test would steer the next.
beforeEach(async () => {
  for (const name of ['alpha', 'beta', 'gamma'] as const) {
    const fake = fakes[name];
    fake.requests.length = 0;
    // Each answer names its model and holds code, so that the judge accepts it for a code task too; alpha is slow.
    fake.setFallback({
      type: 'text',
      text: `${name} answers:\n\`\`\`python\nprint("${name}")\n\`\`\`\n`,
      delayMs: name === 'alpha' ? 100 : 0,
    });
  }
  gw = await gatewayWith(PRIORS);
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((g) => g.close()));
});

/** Chat calls each fake received (model lists and key checks are GETs). */
const calls = (fake: FakeUpstream) => fake.requests.filter((r) => r.method === 'POST').length;
const callCounts = () => ({ alpha: calls(fakes.alpha), beta: calls(fakes.beta), gamma: calls(fakes.gamma) });

async function ask(content: string, fields: Record<string, unknown> = {}, on = gw, runId?: string) {
  const options = runId === undefined ? {} : { headers: { 'x-switchboard-run-id': runId } };
  const { data, response } = await on.client.chat.completions
    .create({ model: 'auto', messages: [{ role: 'user', content }], ...fields } as never, options)
    .withResponse();
  return {
    text: (data as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content,
    model: response.headers.get('x-switchboard-model'),
  };
}

async function explain(body: unknown, on = gw): Promise<{ status: number; body: any }> {
  const res = await fetch(`${on.url}/v1/routing/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
const explainOf = async (content: string, fields: Record<string, unknown> = {}, on = gw) =>
  (await explain({ model: 'auto', messages: [{ role: 'user', content }], ...fields }, on)).body as RoutingExplanation;

describe('the router over HTTP', () => {
  it('fastest picks the fast weak model, best_quality the slow strong one', async () => {
    const fast = await ask(CHAT, { model_quality: 'fastest' });
    expect(fast).toEqual({ model: 'beta/beta-chat', text: expect.stringContaining('beta answers') });
    expect(callCounts()).toEqual({ alpha: 0, beta: 1, gamma: 0 });
    const best = await ask(CHAT, { model_quality: 'best_quality' });
    expect(best).toEqual({ model: 'alpha/alpha-chat', text: expect.stringContaining('alpha answers') });
    expect(callCounts()).toEqual({ alpha: 1, beta: 1, gamma: 0 });
  });

  it('sends a code request to the model strong at code, and a chat request elsewhere', async () => {
    // best_quality: alpha has the highest general quality and wins chat; gamma's code strength wins code.
    expect((await ask(CODE, { model_quality: 'best_quality' })).model).toBe('gamma/gamma-chat');
    expect(callCounts()).toEqual({ alpha: 0, beta: 0, gamma: 1 });
    expect((await ask(CODE)).model).toBe('gamma/gamma-chat');
    expect((await ask(CHAT, { model_quality: 'best_quality' })).model).toBe('alpha/alpha-chat');
    expect((await ask(CHAT)).model).toBe('beta/beta-chat');
    expect(callCounts()).toEqual({ alpha: 1, beta: 1, gamma: 2 });
  });

  it('honours a pinned provider and a pinned model over its own choice', async () => {
    expect((await ask(CHAT, { model_quality: 'best_quality', provider: 'gamma' })).model).toBe('gamma/gamma-chat');
    expect(callCounts()).toEqual({ alpha: 0, beta: 0, gamma: 1 });
    expect((await ask(CODE, { model: 'beta/beta-chat' })).model).toBe('beta/beta-chat');
    expect(callCounts()).toEqual({ alpha: 0, beta: 1, gamma: 1 });
    // A pinned provider is a filter, not a fallback to the others: its failure is the client's answer.
    fakes.gamma.queue({ type: 'error', status: 500 });
    await expect(ask(CHAT, { provider: 'gamma' })).rejects.toMatchObject({ status: 502 });
    expect(callCounts()).toEqual({ alpha: 0, beta: 1, gamma: 2 });
  });
});

describe('routing rules from the config', () => {
  const rules = [
    { name: 'code-to-coders', when: { task: ['code'] }, prefer: ['gamma/gamma-chat'], fallback: ['alpha/alpha-chat'] },
    { name: 'contracts', when: { keywords: ['Indemnity Clause'] }, prefer: ['alpha/alpha-chat'] },
    { name: 'long-prompts', when: { minTokens: 400 }, prefer: ['gamma/gamma-chat'] },
    { name: 'careful-health', when: { domain: ['medical'] }, mode: 'best_quality' },
  ];
  let ruled: TestGateway;
  beforeEach(async () => {
    ruled = await gatewayWith(PLAIN, { routing: { rules } });
  });

  it("puts a task rule's preferred model first and its fallback last", async () => {
    // Without the rule code ranks beta, alpha, gamma (at balanced's own weights: complexity's steering pinned off).
    const plain = await gatewayWith(PLAIN);
    expect((await explainOf(CODE, {}, plain)).candidates.map((c) => c.model)).toEqual([
      'beta/beta-chat',
      'alpha/alpha-chat',
      'gamma/gamma-chat',
    ]);
    const plan = await explainOf(CODE, {}, ruled);
    expect(plan.rule).toBe('code-to-coders');
    expect(plan.candidates.map((c) => c.model)).toEqual(['gamma/gamma-chat', 'beta/beta-chat', 'alpha/alpha-chat']);
    expect(plan.candidates[0]!.reasons).toContain('rule code-to-coders: preferred');
    expect(plan.candidates[2]!.reasons).toContain('rule code-to-coders: fallback');
    expect((await ask(CODE, {}, ruled)).model).toBe('gamma/gamma-chat');
    expect(callCounts()).toEqual({ alpha: 0, beta: 0, gamma: 1 });
    // Not a code request: no rule, the scores decide.
    expect((await ask(CHAT, {}, ruled)).model).toBe('beta/beta-chat');
    expect(callCounts()).toEqual({ alpha: 0, beta: 1, gamma: 1 });
    // When the preferred model fails, the others are tried before the rule's fallback.
    fakes.gamma.queue({ type: 'error', status: 500 });
    fakes.beta.queue({ type: 'error', status: 500 });
    expect((await ask(CODE, {}, ruled)).model).toBe('alpha/alpha-chat');
    expect(callCounts()).toEqual({ alpha: 1, beta: 2, gamma: 2 });
  });

  it("matches keywords, a prompt length and a domain (whose mode yields to the client's)", async () => {
    const contract = 'Please review the indemnity clause in my lease and tell me if it is fair.';
    expect((await explainOf(contract, {}, ruled)).rule).toBe('contracts');
    expect((await ask(contract, {}, ruled)).model).toBe('alpha/alpha-chat');
    const long = 'Tell me about the history of the Roman empire. '.repeat(60);
    expect((await explainOf(long, {}, ruled)).rule).toBe('long-prompts');
    expect((await explainOf('Tell me about the history of the Roman empire.', {}, ruled)).rule).toBeUndefined();
    expect((await ask(long, {}, ruled)).model).toBe('gamma/gamma-chat');
    const dose = 'What is the recommended dose of ibuprofen for an adult with a fever?';
    expect(await explainOf(dose, {}, ruled)).toMatchObject({
      rule: 'careful-health',
      mode: 'best_quality',
      domain: 'medical',
    });
    expect((await ask(dose, {}, ruled)).model).toBe('alpha/alpha-chat');
    expect((await ask(dose, { model_quality: 'fastest' }, ruled)).model).toBe('beta/beta-chat');
    expect(callCounts()).toEqual({ alpha: 2, beta: 1, gamma: 1 });
  });
});

describe('POST /v1/routing/explain', () => {
  it('classifies and ranks without calling any model, following model_quality and the task', async () => {
    const code = await explain({
      model: 'auto',
      messages: [{ role: 'user', content: CODE }],
      response_format: { type: 'json_object' },
    });
    expect(code.status).toBe(200);
    expect(code.body).toMatchObject({
      task: 'code',
      domain: 'general',
      mode: 'balanced',
      needs: { tools: false, vision: false, json: true, longContext: false },
    });
    expect(code.body.complexity).toBeGreaterThanOrEqual(0);
    expect(code.body.complexity).toBeLessThanOrEqual(1);
    expect(code.body.tokens).toBeGreaterThan(5);
    const ranked = code.body.candidates as RoutingExplanation['candidates'];
    expect(ranked.map((c) => c.model)).toEqual(['gamma/gamma-chat', 'beta/beta-chat', 'alpha/alpha-chat']);
    expect(ranked[0]!.reasons.some((r) => r.includes('for code'))).toBe(true);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    expect((await explainOf(CHAT, { model_quality: 'fastest' })).candidates[0]!.model).toBe('beta/beta-chat');
    const best = await explainOf(CHAT, { model_quality: 'best_quality' });
    expect(best).toMatchObject({ task: 'chat', mode: 'best_quality' });
    expect(best.candidates[0]!.model).toBe('alpha/alpha-chat');
    expect(callCounts()).toEqual({ alpha: 0, beta: 0, gamma: 0 });
  });

  it("answers 400 in OpenAI's error shape for a bad body", async () => {
    for (const body of [
      { model: 'auto', messages: [] },
      [1, 2],
      { model: 'auto', messages: [{ role: 'user', content: 'x' }], model_quality: 'cheapest' },
    ]) {
      const res = await explain(body);
      expect(res.status).toBe(400);
      expect(schemaErrors.error(res.body)).toEqual([]);
      expect(res.body.error.type).toBe('invalid_request_error');
    }
    expect((await explain({ model: 'auto', messages: [] })).body.error.param).toBe('messages');
    expect(callCounts()).toEqual({ alpha: 0, beta: 0, gamma: 0 });
  });
});

describe('GET /v1/runs/{run_id} after a fallback', () => {
  /** The run's record, polled for: it is saved after the response is written. */
  async function runRecord(runId: string): Promise<Record<string, any>> {
    let res = await fetch(`${gw.url}/v1/runs/${runId}`);
    for (let tries = 0; res.status === 404 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      res = await fetch(`${gw.url}/v1/runs/${runId}`);
    }
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, any>;
  }

  it.each([
    ['an upstream error', { type: 'error', status: 500 } as const, { error: { kind: 'server' } }],
    ['an empty answer', { type: 'text', text: '' } as const, { judge: { score: 0 } }],
  ])('tells the classification, the plan, both attempts after %s, and who answered', async (_label, reply, first) => {
    fakes.alpha.queue(reply);
    const answer = await ask(CHAT, { model_quality: 'best_quality' }, gw, 'routing-fallback');
    expect(answer.model).toBe('gamma/gamma-chat');
    expect(callCounts()).toEqual({ alpha: 1, beta: 0, gamma: 1 });
    const record = await runRecord('routing-fallback');
    expect(record).toMatchObject({
      status: 'succeeded',
      model: 'gamma/gamma-chat',
      mode: 'best_quality',
      classification: { task: 'chat', domain: 'general' },
    });
    expect(record['plan'].map((c: { model: string }) => c.model)).toEqual([
      'alpha/alpha-chat',
      'gamma/gamma-chat',
      'beta/beta-chat',
    ]);
    expect(record['plan'][0].reasons.length).toBeGreaterThan(0);
    expect(record['attempts']).toHaveLength(2);
    expect(record['attempts'][0]).toMatchObject({ model: 'alpha/alpha-chat', ...first });
    expect(record['attempts'][1]).toMatchObject({ model: 'gamma/gamma-chat', judge: { score: 1 } });
    expect(record['attempts'][1].error).toBeUndefined();
  });
});
