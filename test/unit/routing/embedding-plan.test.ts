// The embeddings router: one vector space per request (family and length), auto deterministic, stand-ins only of the
// same space, and chat routing that never sees an embedding model.
import { describe, expect, it } from 'vitest';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { ModelConfig } from '../../../src/config/schema.js';
import { GatewayError } from '../../../src/errors.js';
import { classify } from '../../../src/routing/classifier/classify.js';
import { planEmbedding, type EmbeddingRoute } from '../../../src/routing/embedding-plan.js';
import { planRoute, type Availability } from '../../../src/routing/plan.js';

const model = (id: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  id,
  capabilities: ['embeddings'],
  contextWindow: 8192,
  quality: 0.5,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
  dimensions: 1024,
  ...extra,
});
const provider = (id: string, protocol: 'openai' | 'gemini' | 'anthropic', models: ModelConfig[]) => ({
  id,
  protocol,
  baseUrl: `http://127.0.0.1:1/${id}`,
  apiKeys: ['k'],
  models,
});
const registry = resolveCatalogWithKeys(
  [],
  [
    provider('nim', 'openai', [
      model('bge-m3', { family: 'bge-m3', quality: 0.7 }),
      model('chatty', { capabilities: ['chat'], dimensions: undefined, quality: 0.99 }),
    ]),
    provider('cf', 'openai', [model('@cf/bge-m3', { family: 'bge-m3', quality: 0.7 })]),
    provider('goog', 'gemini', [
      model('gem-embed', { dimensions: 3072, dimensionOptions: { min: 128 }, quality: 0.8 }),
    ]),
    provider('paid', 'openai', [model('big-embed', { quality: 0.95, costPer1M: { input: 0.1, output: 0 } })]),
    provider('claude', 'anthropic', [model('no-api', { quality: 0.99 })]),
  ],
  {},
);

const refs = (route: Partial<EmbeddingRoute>, availability?: Availability) =>
  planEmbedding(registry, { model: 'auto', ...route }, availability).candidates.map((c) => c.model.ref);
const refusal = (route: Partial<EmbeddingRoute>, availability?: Availability): GatewayError => {
  try {
    planEmbedding(registry, { model: 'auto', ...route }, availability);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('planned');
};

describe('planEmbedding', () => {
  it('routes auto to the best free model, paid ones after, and never to a provider without an embeddings API', () => {
    expect(refs({})).toEqual(['goog/gem-embed']);
    expect(refs({ provider: 'paid' })).toEqual(['paid/big-embed']);
    expect(refs({ provider: 'cf' })).toEqual(['cf/@cf/bge-m3']);
    expect(refusal({ dimensions: 100 })).toMatchObject({ status: 400, param: 'dimensions' });
  });

  it('stands in only models of the same family and length, after the one the client named', () => {
    expect(refs({ model: 'cf/@cf/bge-m3' })).toEqual(['cf/@cf/bge-m3', 'nim/bge-m3']);
    expect(refs({ model: 'bge-m3' })).toEqual(['nim/bge-m3', 'cf/@cf/bge-m3']);
    expect(refs({ model: 'goog/gem-embed' })).toEqual(['goog/gem-embed']);
    const plan = planEmbedding(registry, { model: 'goog/gem-embed', dimensions: 768 });
    expect({ family: plan.family, dimensions: plan.dimensions }).toEqual({ family: 'goog/gem-embed', dimensions: 768 });
  });

  it('refuses what would mix vector spaces or cannot be served, naming the field', () => {
    expect(refusal({ model: 'nim/bge-m3', models: ['goog/gem-embed'] })).toMatchObject({
      status: 400,
      param: 'models',
      code: 'mixed_vector_spaces',
    });
    expect(refusal({ model: 'nim/bge-m3', dimensions: 512 })).toMatchObject({ status: 400, param: 'dimensions' });
    expect(refusal({ model: 'goog/gem-embed', dimensions: 4096 }).message).toMatch(/returns 128 to 3072/);
    expect(refusal({ model: 'nim/chatty' })).toMatchObject({ status: 400, code: 'model_not_capable' });
    expect(refusal({ model: 'claude/no-api' })).toMatchObject({ status: 400, code: 'model_not_capable' });
    expect(refusal({ model: 'nope' })).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(refusal({ provider: 'nope' })).toMatchObject({ status: 404, param: 'provider' });
    expect(refusal({ model: 'nim/bge-m3', allows: (ref) => ref.startsWith('goog/') })).toMatchObject({ status: 403 });
    expect(refusal({ model: 'goog/gem-embed', takes: (m) => m.provider.protocol === 'openai' })).toMatchObject({
      param: 'input',
      code: 'token_input_not_supported',
    });
  });

  it("keeps to a key's models: auto among them, a stand-in only if the key may use it", () => {
    expect(refs({ allows: (ref) => ref.startsWith('cf/') })).toEqual(['cf/@cf/bge-m3']);
    expect(refs({ model: 'bge-m3', allows: (ref) => ref !== 'cf/@cf/bge-m3' })).toEqual(['nim/bge-m3']);
  });

  it('skips a provider that cannot take a call, and answers the soonest Retry-After when none can', () => {
    const nimDown: Availability = (p) =>
      p.id === 'nim' ? { kind: 'resting', reason: 'every key is resting', retryAfterMs: 5_000 } : undefined;
    expect(refs({ model: 'nim/bge-m3' }, nimDown)).toEqual(['cf/@cf/bge-m3']);
    const allDown: Availability = (p) => ({
      kind: 'circuit_open',
      reason: 'circuit open',
      retryAfterMs: p.id === 'cf' ? 2_000 : 9_000,
    });
    expect(refusal({ model: 'bge-m3' }, allDown)).toMatchObject({ status: 503, retryAfterMs: 2_000 });
  });
});

describe('chat routing and embedding models', () => {
  const chatPlan = (model: string) =>
    planRoute(registry, { model, mode: 'balanced' }, classify({ messages: [{ role: 'user', content: 'hi' }] }));

  it('never weighs an embedding model for auto, and refuses one named', () => {
    expect(chatPlan('auto').candidates.map((c) => c.model.ref)).toEqual(['nim/chatty']);
    expect(() => chatPlan('goog/gem-embed')).toThrow(/embedding model/);
  });
});
