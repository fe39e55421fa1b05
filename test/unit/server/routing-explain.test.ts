// POST /v1/routing/explain on a real port: the classification and ranked plan with reasons, the live state it honours
// (availability, headroom, stats, pruning, rules, the caller's allowed models), and errors in OpenAI's shape.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/accounts/types.js';
import { ConfigSchema, type ModelConfig } from '../../../src/config/schema.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { StatsView } from '../../../src/routing/types.js';
import { errorHandler, unknownRoute } from '../../../src/server/middleware/errors.js';
import { routingRoutes } from '../../../src/server/routes/routing.js';

const NOW = 1_000_000;
const m = (id: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  id,
  capabilities: ['chat'],
  contextWindow: 8192,
  quality: 0.5,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
  ...extra,
});
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'fast',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k1', 'k2'],
      models: [m('tiny', { quality: 0.4, speed: 0.95 })],
    },
    {
      id: 'smart',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:2/v1',
      apiKeys: ['k'],
      models: [
        m('big', { quality: 0.95, speed: 0.3, capabilities: ['chat', 'tools'] }),
        m('coder', { quality: 0.6, speed: 0.6, strengths: { code: 0.97 }, capabilities: ['chat', 'code', 'tools'] }),
      ],
    },
    {
      id: 'flaky',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:3/v1',
      apiKeys: ['k'],
      models: [m('one', { quality: 0.9, speed: 0.9 })],
    },
    { id: 'resting', protocol: 'openai', baseUrl: 'http://127.0.0.1:4/v1', apiKeys: ['k'], models: [m('two')] },
  ],
  {},
);
const config = ConfigSchema.parse({
  routing: {
    // These tests are about the plan's order and reasons: the bandit (on by default) has its own, seeded, tests.
    bandit: { enabled: false },
    rules: [
      { name: 'code-to-coders', when: { task: ['code'] }, prefer: ['smart/coder'], mode: 'best_quality', cache: true },
    ],
  },
});
const stats: StatsView = {
  get: (ref) => (ref === 'smart/big' ? { samples: 12, successRate: 0.5, ttftMs: 320 } : undefined),
  pruned: (ref, now) =>
    ref === 'flaky/one' && now < NOW + 1 ? { until: NOW + 1, reason: 'success 10% over 8 calls' } : undefined,
  // The weak model (fast/tiny) mostly fell short on translations.
  clusterRefs: (cluster) => (cluster.startsWith('translation__') ? ['fast/tiny', 'smart/big'] : []),
  clusterArm: (ref, cluster) =>
    ref === 'fast/tiny' && cluster.startsWith('translation__') ? { good: 2, bad: 38 } : undefined,
};
/** The caller each test asks to be, by the x-test-caller header (standing in for clientAuth). */
const callers: Record<string, Caller> = {
  limited: { kind: 'client', client: { id: 'c', name: 'c', createdAt: 0, models: ['smart/*'] } },
};
let restingToo = false;

const Explanation = z.strictObject({
  task: z.string(),
  domain: z.string(),
  complexity: z.number().min(0).max(1),
  // routing.complexity.learn is on by default: the classifier's figure, the cluster, the weak models' evidence.
  complexity_evidence: z.strictObject({
    prior: z.number().min(0).max(1),
    cluster: z.string().regex(/^[a-z_]+__(easy|medium|hard)$/),
    good: z.number().min(0),
    bad: z.number().min(0),
  }),
  // The default (learned) classifier says how sure it is of the task.
  confidence: z.number().gt(0).max(1),
  classifier: z.strictObject({
    by: z.literal('learned'),
    confidence: z.number().gt(0).max(1),
    minConfidence: z.number(),
  }),
  tokens: z.number().int().positive(),
  needs: z.strictObject({ tools: z.boolean(), vision: z.boolean(), json: z.boolean(), longContext: z.boolean() }),
  mode: z.enum(['fastest', 'balanced', 'best_quality']),
  weights: z.strictObject({ quality: z.number(), speed: z.number(), cost: z.number() }),
  rule: z.string().optional(),
  cache: z.boolean().optional(),
  ensemble: z.object({ strategy: z.string() }).loose().optional(),
  candidates: z
    .array(z.strictObject({ model: z.string(), score: z.number(), reasons: z.array(z.string()).min(1) }))
    .min(1),
  skipped: z.array(z.strictObject({ model: z.string(), reason: z.string() })),
});

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use((req, res, next) => {
    const name = req.get('x-test-caller');
    if (name !== undefined) res.locals['caller'] = callers[name];
    next();
  });
  app.use(express.json());
  app.use(
    routingRoutes({
      config,
      registry,
      stats,
      availability: (provider) =>
        provider.id === 'resting' || restingToo
          ? { kind: 'resting', reason: 'every key resting', retryAfterMs: 5_000 }
          : undefined,
      headroom: (provider) => (provider.id === 'fast' ? 0.5 : 1),
      clientKeys: {
        allowsModel: (client, ref) => client.models?.some((allowed) => ref.startsWith(allowed.slice(0, -1))) ?? true,
      },
      now: () => NOW,
    }),
  );
  app.use(unknownRoute);
  app.use(errorHandler(pino({ level: 'silent' })));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function explain(body: unknown, caller?: string) {
  const response = await fetch(`${base}/v1/routing/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(caller === undefined ? {} : { 'x-test-caller': caller }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('POST /v1/routing/explain', () => {
  it('explains a chat request: classification, mode, ranked candidates with reasons, and what was skipped', async () => {
    const { status, body } = await explain(ask('hello there', { model_quality: 'fastest' }));
    expect(status).toBe(200);
    const parsed = Explanation.parse(body);
    expect(parsed).toMatchObject({
      task: 'chat',
      domain: 'general',
      mode: 'fastest',
      needs: { tools: false, vision: false },
    });
    expect(parsed.rule).toBeUndefined();
    // `fastest` keeps its weights whatever the prompt's complexity.
    expect(parsed.weights).toEqual({ quality: 0.25, speed: 0.75, cost: 1 });
    // No evidence on its cluster: the classifier's complexity, unchanged.
    expect(parsed.complexity_evidence).toMatchObject({ prior: parsed.complexity, good: 0, bad: 0 });
    expect(parsed.candidates.map((c) => c.model)).toEqual(['fast/tiny', 'smart/coder', 'smart/big']);
    const scores = parsed.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(parsed.candidates[0]!.reasons).toEqual(['quality 0.4 for chat', 'speed 0.95', 'free', 'headroom 50%']);
    expect(parsed.candidates[2]!.reasons).toContain('speed 0.47 (prior 0.3, ttft 320 ms)');
    expect(parsed.candidates[2]!.reasons).toContain('success 50% over 12');
    expect([...parsed.skipped].sort((a, b) => a.model.localeCompare(b.model))).toEqual([
      { model: 'flaky/one', reason: 'pruned: success 10% over 8 calls' },
      { model: 'resting/two', reason: 'every key resting' },
    ]);
  });

  it("blends the classifier's complexity with the weak models' outcomes on the prompt's cluster", async () => {
    const parsed = Explanation.parse((await explain(ask('Translate into French: where is the station?'))).body);
    expect(parsed.task).toBe('translation');
    const { prior, good, bad } = parsed.complexity_evidence;
    expect({ good, bad }).toEqual({ good: 2, bad: 38 });
    expect(parsed.complexity).toBe(Math.round(((30 * prior + 38) / 70) * 1000) / 1000);
    expect(parsed.complexity).toBeGreaterThan(prior);
    // In `balanced` the learnt complexity moves the weights (routing.complexity.span, 0.2 by default), and says so.
    const quality = 0.6 + 0.2 * (2 * parsed.complexity - 1);
    expect(parsed.weights.quality).toBeCloseTo(quality, 2);
    expect(parsed.weights.speed).toBeCloseTo(1 - quality, 2);
    expect(parsed.weights.cost).toBeCloseTo((1 - quality) / 0.4, 2);
    for (const candidate of parsed.candidates)
      expect(candidate.reasons.at(-1)).toMatch(/^weights quality 0\.\d+, speed/);
  });

  it('applies the matching rule: its models first, its mode when the client set none', async () => {
    const code = 'Fix this python function: def f(): pass';
    const parsed = Explanation.parse(
      (await explain(ask(code, { tools: [{ type: 'function', function: { name: 'run' } }] }))).body,
    );
    expect(parsed).toMatchObject({
      task: 'code',
      mode: 'best_quality',
      rule: 'code-to-coders',
      cache: true,
      needs: { tools: true },
    });
    expect(parsed.candidates.map((c) => c.model)).toEqual(['smart/coder', 'smart/big']);
    expect(parsed.candidates[0]!.reasons[0]).toBe('rule code-to-coders: preferred');
    expect(parsed.skipped).toContainEqual({ model: 'fast/tiny', reason: 'lacks tools' });
    expect(Explanation.parse((await explain(ask(code, { model_quality: 'fastest' }))).body).mode).toBe('fastest');
    const ensemble = { strategy: 'select', models: ['smart/big', 'fast/tiny'] };
    expect(Explanation.parse((await explain(ask('hello', { ensemble }))).body).ensemble).toEqual(ensemble);
  });

  it("honours the caller's allowed models", async () => {
    const parsed = Explanation.parse((await explain(ask('hello'), 'limited')).body);
    expect(parsed.candidates.map((c) => c.model).sort()).toEqual(['smart/big', 'smart/coder']);
    const refused = await explain(ask('hello', { model: 'fast/tiny' }), 'limited');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'model_not_allowed' } });
  });

  it("answers 400 in OpenAI's shape for a bad body, and the router's own errors as chat would", async () => {
    const missing = await explain({ model: 'auto' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages' } });
    expect((await explain('{not json')).status).toBe(400);
    expect((await explain([1, 2])).status).toBe(400);
    expect((await explain(ask('hi', { model: 'nobody/none' }))).status).toBe(404);
    restingToo = true;
    try {
      const resting = await explain(ask('hi'));
      expect(resting.status).toBe(429);
      expect(resting.headers.get('retry-after')).toBe('5');
    } finally {
      restingToo = false;
    }
  });
});
