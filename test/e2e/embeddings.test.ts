// End to end: the official openai client's embeddings.create against the gateway, in front of fake upstreams of each
// embedding protocol (OpenAI-compatible, Gemini, Cohere): floats and base64, dimensions, batches split and kept in
// order, fallback within a vector space only, the honest failure, a client key's usage and request log row, and 400s.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { embeddingSchemaErrors } from '../helpers/openai-embedding-schema.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { fakeVector, startEmbeddingUpstream } from '../fakes/embedding-wire.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { call, clientWith } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-embeddings-e2e';
const embed = (id: string, extra: Record<string, unknown>) => ({
  id,
  capabilities: ['embeddings'],
  dimensions: 8,
  ...extra,
});

let alpha: FakeUpstream;
let beta: FakeUpstream;
let gamma: FakeUpstream;
let delta: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  [alpha, beta, gamma, delta] = await Promise.all([
    startEmbeddingUpstream('openai'),
    startEmbeddingUpstream('openai'),
    startEmbeddingUpstream('gemini'),
    startEmbeddingUpstream('cohere'),
  ]);
});
afterAll(async () => {
  await Promise.all([alpha, beta, gamma, delta].map((fake) => fake?.close()));
});

/**
 * alpha and beta serve one family (`fam`, 8 dimensions) over the openai protocol, alpha in batches of 2 and first for
 * `auto`; gamma a Gemini model of its own family that can shorten to 4..8; delta a Cohere model (chat through an
 * OpenAI-compatible URL, embeddings through Cohere's API) in batches of 2 that can also return 4. alpha has a chat model.
 */
beforeEach(async () => {
  for (const fake of [alpha, beta, gamma, delta]) fake.requests.length = 0;
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['sk-alpha-0001'],
      models: [
        fakeModel('alpha-chat', { quality: 0.5 }),
        embed('alpha-embed', { family: 'fam', maxBatch: 2, quality: 0.9, costPer1M: { input: 0, output: 0 } }),
      ],
    },
    {
      id: 'beta',
      protocol: 'openai',
      baseUrl: beta.baseUrl,
      apiKeys: ['sk-beta-0002'],
      models: [
        embed('beta-embed', {
          family: 'fam',
          quality: 0.6,
          inputTypes: { search_document: 'passage', search_query: 'query' },
        }),
      ],
    },
    {
      id: 'gamma',
      protocol: 'gemini',
      baseUrl: gamma.baseUrl,
      apiKeys: ['gamma-key-0003'],
      models: [embed('gamma-embed', { dimensionOptions: { min: 4 }, quality: 0.7 })],
    },
    {
      id: 'delta',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      embeddings: { protocol: 'cohere', baseUrl: delta.baseUrl },
      apiKeys: ['delta-key-0004'],
      models: [embed('delta-embed', { dimensionOptions: [4], maxBatch: 2, quality: 0.65 })],
    },
  ];
  gw = await startTestGateway({ providers }, undefined, { SWITCHBOARD_ADMIN_KEY: ADMIN });
});
afterEach(async () => {
  await gw?.close();
});

const client = (): OpenAI => clientWith(gw.url, ADMIN);

describe('POST /v1/embeddings through each protocol', () => {
  const cases = [
    { model: 'alpha/alpha-embed', fake: () => alpha },
    { model: 'gamma/gamma-embed', fake: () => gamma },
    { model: 'delta/delta-embed', fake: () => delta },
  ];

  it.each(cases)('$model answers floats in OpenAI shape, one vector per input in order', async ({ model, fake }) => {
    const input = ['the first text', 'a second one'];
    const { data, response } = await client()
      .embeddings.create({ model, input, encoding_format: 'float' })
      .withResponse();
    expect(embeddingSchemaErrors.response(data)).toEqual([]);
    expect(data.model).toBe(model);
    expect(data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(data.data.map((d) => d.embedding)).toEqual(input.map((text) => fakeVector(text, 8)));
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage.total_tokens).toBe(data.usage.prompt_tokens);
    expect(response.headers.get('x-switchboard-model')).toBe(model);
    expect(response.headers.get('x-switchboard-run-id')).toMatch(/^run_/);
    expect(fake().requests.length).toBeGreaterThan(0);
  });

  it('sends each protocol its own request', async () => {
    await client().embeddings.create({
      model: 'alpha/alpha-embed',
      input: 'one',
      encoding_format: 'float',
      user: 'end-user-1',
    });
    expect(alpha.requests[0]!.body).not.toHaveProperty('user');
    // What an OpenAI-compatible upstream gets is a valid OpenAI request (the spec allows no other field).
    expect(embeddingSchemaErrors.request(alpha.requests[0]!.body)).toEqual([]);
    expect(alpha.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      body: { model: 'alpha-embed', input: ['one'], encoding_format: 'float' },
    });
    expect(alpha.requests[0]!.headers['authorization']).toBe('Bearer sk-alpha-0001');
    await client().embeddings.create({ model: 'gamma/gamma-embed', input: ['x', 'y'], encoding_format: 'float' });
    expect(gamma.requests[0]!.path).toBe('/v1beta/models/gamma-embed:batchEmbedContents');
    expect(gamma.requests[0]!.headers['x-goog-api-key']).toBe('gamma-key-0003');
    expect(gamma.requests[0]!.body.requests).toHaveLength(2);
    await client().embeddings.create({ model: 'gamma/gamma-embed', input: 'x', encoding_format: 'float' });
    expect(gamma.requests[1]!.path).toBe('/v1beta/models/gamma-embed:embedContent');
    await client().embeddings.create({ model: 'delta/delta-embed', input: 'x', encoding_format: 'float' });
    expect(delta.requests[0]).toMatchObject({
      path: '/v2/embed',
      body: { model: 'delta-embed', texts: ['x'], input_type: 'search_document', embedding_types: ['float'] },
    });
    expect(delta.requests[0]!.headers['authorization']).toBe('Bearer delta-key-0004');
  });

  it("sends a model's own input_type values where the catalog gives them, and none elsewhere", async () => {
    const ask = (body: Record<string, unknown>) =>
      call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'beta/beta-embed', input: 'q', ...body });
    expect((await ask({ input_type: 'search_query' })).status).toBe(200);
    expect((await ask({})).status).toBe(200);
    expect((await ask({ input_type: 'clustering' })).status).toBe(200);
    expect(beta.requests.map((r) => r.body.input_type)).toEqual(['query', 'passage', 'passage']);
    await call(gw.url, 'POST', '/v1/embeddings', ADMIN, {
      model: 'alpha/alpha-embed',
      input: 'q',
      input_type: 'search_query',
    });
    expect(alpha.requests[0]!.body).not.toHaveProperty('input_type');
  });

  it('answers base64 when asked, the float32 values of the same vectors', async () => {
    const res = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, {
      model: 'delta/delta-embed',
      input: ['some text'],
      encoding_format: 'base64',
    });
    expect(res.status).toBe(200);
    const encoded = res.body.data[0].embedding as string;
    expect(typeof encoded).toBe('string');
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(fakeVector('some text', 8));
    // The SDK asks for base64 by default and decodes it itself.
    const sdk = await client().embeddings.create({ model: 'alpha/alpha-embed', input: 'some text' });
    expect(alpha.requests[0]!.body.encoding_format).toBe('float');
    expect(Array.from(sdk.data[0]!.embedding)).toEqual(fakeVector('some text', 8));
  });

  it('passes dimensions to a model that can shorten its vectors, and refuses a length it cannot return', async () => {
    const gemini = await client().embeddings.create({
      model: 'gamma/gamma-embed',
      input: 'a',
      dimensions: 5,
      encoding_format: 'float',
    });
    expect(gamma.requests[0]!.body.outputDimensionality).toBe(5);
    expect(gemini.data[0]!.embedding).toEqual(fakeVector('a', 5));
    const cohere = await client().embeddings.create({
      model: 'delta/delta-embed',
      input: 'a',
      dimensions: 4,
      encoding_format: 'float',
    });
    expect(delta.requests[0]!.body.output_dimension).toBe(4);
    expect(cohere.data[0]!.embedding).toHaveLength(4);
    // Its default length is not sent: most APIs refuse the field for a model that cannot shorten.
    await client().embeddings.create({
      model: 'gamma/gamma-embed',
      input: 'a',
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(gamma.requests[1]!.body.outputDimensionality).toBeUndefined();
    const refused = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, {
      model: 'alpha/alpha-embed',
      input: 'a',
      dimensions: 4,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'dimensions', code: 'dimensions_not_supported' });
    expect(alpha.requests).toHaveLength(0);
  });

  it('cuts a big input into batches within the model limit and keeps the order', async () => {
    const input = ['t0', 't1', 't2', 't3', 't4'];
    const data = await client().embeddings.create({ model: 'delta/delta-embed', input, encoding_format: 'float' });
    expect(delta.requests.map((r) => r.body.texts)).toEqual([['t0', 't1'], ['t2', 't3'], ['t4']]);
    expect(data.data.map((d) => d.embedding)).toEqual(input.map((text) => fakeVector(text, 8)));
    expect(data.usage.prompt_tokens).toBe(5);
  });

  it('embeds token ids on an API that takes them, and refuses them on one that does not', async () => {
    const data = await client().embeddings.create({
      model: 'alpha/alpha-embed',
      input: [[1, 2, 3]],
      encoding_format: 'float',
    });
    expect(alpha.requests[0]!.body.input).toEqual([[1, 2, 3]]);
    expect(data.data[0]!.embedding).toEqual(fakeVector([1, 2, 3], 8));
    const refused = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, {
      model: 'gamma/gamma-embed',
      input: [1, 2, 3],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'input', code: 'token_input_not_supported' });
  });
});

describe('fallback within one vector space', () => {
  it('goes on with a model of the same family and length, from the first batch not yet done', async () => {
    alpha.queue({ type: 'text', text: '' }, { type: 'error', status: 500, message: 'boom' });
    const input = ['a0', 'a1', 'a2', 'a3'];
    const { data, response } = await client()
      .embeddings.create({ model: 'alpha/alpha-embed', input, encoding_format: 'float' })
      .withResponse();
    expect(data.data.map((d) => d.embedding)).toEqual(input.map((text) => fakeVector(text, 8)));
    expect(alpha.requests.map((r) => r.body.input)).toEqual([
      ['a0', 'a1'],
      ['a2', 'a3'],
    ]);
    expect(beta.requests.map((r) => r.body.input)).toEqual([['a2', 'a3']]);
    expect(data.model).toBe('beta/beta-embed');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(gamma.requests).toHaveLength(0);
  });

  it('fails honestly, in OpenAI shape, when no model of the same space is left', async () => {
    gamma.queue({ type: 'error', status: 500, message: 'gemini is down' });
    const res = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'gamma/gamma-embed', input: 'x' });
    expect(res.status).toBe(502);
    expect(schemaErrors.error(res.body)).toEqual([]);
    expect(res.body.error.message).toMatch(/no other model serves gamma\/gamma-embed at 8 dimensions/);
    for (const fake of [alpha, beta, delta]) expect(fake.requests).toHaveLength(0);
    // An overloaded model's own Retry-After is the client's, as on chat.
    gamma.queue({ type: 'error', status: 503, message: 'busy', headers: { 'retry-after': '30' } });
    const busy = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'gamma/gamma-embed', input: 'x' });
    expect([busy.status, busy.body.error.code, busy.headers.get('retry-after')]).toEqual([
      503,
      'upstream_overloaded',
      '30',
    ]);
    gamma.queue({ type: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '7' } });
    const limited = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'gamma/gamma-embed', input: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 naming why when the only provider of the space has no usable key, and never asks another family', async () => {
    delta.queue({ type: 'error', status: 401, message: 'invalid api token' });
    const refused = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'delta/delta-embed', input: 'x' });
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('upstream_auth_failed');
    const after = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'delta/delta-embed', input: 'x' });
    expect(after.status).toBe(503);
    expect(schemaErrors.error(after.body)).toEqual([]);
    expect(after.body.error.code).toBe('no_usable_key');
    expect(after.body.error.message).toMatch(
      /every key is disabled.*no other model serves delta\/delta-embed at 8 dimensions/,
    );
    expect(delta.requests).toHaveLength(1);
    for (const fake of [alpha, beta, gamma]) expect(fake.requests).toHaveLength(0);
  });

  it('refuses a models list that mixes vector spaces, before any call', async () => {
    const res = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, {
      model: 'alpha/alpha-embed',
      models: ['gamma/gamma-embed'],
      input: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ param: 'models', code: 'mixed_vector_spaces' });
    expect(alpha.requests).toHaveLength(0);
  });

  it('routes auto to the preferred family and a family name to any model of it', async () => {
    const auto = await client().embeddings.create({ model: 'auto', input: 'x', encoding_format: 'float' });
    expect(auto.model).toBe('alpha/alpha-embed');
    beta.queue({ type: 'text', text: '' });
    const byFamily = await client().embeddings.create({ model: 'fam', provider: 'beta', input: 'x' } as never);
    expect(byFamily.model).toBe('beta/beta-embed');
  });
});

describe('chat and embeddings stay apart', () => {
  it('refuses a chat model on /v1/embeddings and an embedding model on chat; chat auto never picks one', async () => {
    const asEmbedding = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'alpha/alpha-chat', input: 'x' });
    expect(asEmbedding.status).toBe(400);
    expect(asEmbedding.body.error).toMatchObject({ param: 'model', code: 'model_not_capable' });
    const asChat = await call(gw.url, 'POST', '/v1/chat/completions', ADMIN, {
      model: 'alpha/alpha-embed',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(asChat.status).toBe(400);
    expect(asChat.body.error.message).toMatch(/embedding model/);
    expect(alpha.requests).toHaveLength(0);
  });

  it('lists the endpoints of each model in GET /v1/models, in the OpenAI list shape', async () => {
    const { status, body } = await call(gw.url, 'GET', '/v1/models', ADMIN);
    expect(status).toBe(200);
    expect(schemaErrors.models(body)).toEqual([]);
    const byId = new Map((body.data as Array<{ id: string }>).map((m) => [m.id, m]));
    expect(byId.get('alpha/alpha-chat')).toMatchObject({
      endpoints: ['/v1/chat/completions', '/v1/responses', '/v1/messages'],
    });
    expect(byId.get('delta/delta-embed')).toMatchObject({ endpoints: ['/v1/embeddings'], dimensions: 8 });
    expect(byId.get('auto')).toMatchObject({
      endpoints: expect.arrayContaining(['/v1/embeddings', '/v1/chat/completions']),
    });
  });
});

describe("a client key's embeddings", () => {
  it('counts its usage, writes its request log row and keeps to its model filter', async () => {
    const made = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, {
      name: 'embedder',
      models: ['beta/*'],
    });
    expect(made.status).toBe(201);
    const key = clientWith(gw.url, made.body.key as string);
    const { data, response } = await key.embeddings
      .create({ model: 'auto', input: ['one two', 'three'], encoding_format: 'float' })
      .withResponse();
    // alpha is auto's first choice, but not this key's: its family's other provider is.
    expect(data.model).toBe('beta/beta-embed');
    const runId = response.headers.get('x-switchboard-run-id')!;
    const refused = await call(gw.url, 'POST', '/v1/embeddings', made.body.key, {
      model: 'alpha/alpha-embed',
      input: 'x',
    });
    expect(refused.status).toBe(403);
    let row: Record<string, any> | undefined;
    for (let i = 0; i < 50 && row === undefined; i++) {
      const rows = await call(gw.url, 'GET', '/v1/requests', made.body.key);
      row = (rows.body.data as Array<Record<string, any>>).find((r) => r.run_id === runId);
      if (row === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(row).toMatchObject({
      route: 'embeddings',
      client: made.body.id,
      model_asked: 'auto',
      model_used: 'beta/beta-embed',
      provider: 'beta',
      status: 'ok',
      http_status: 200,
      prompt_tokens: data.usage.prompt_tokens,
      completion_tokens: 0,
    });
    expect(row!.attempts).toEqual([expect.objectContaining({ model: 'beta/beta-embed', error: null })]);
    const usage = await call(gw.url, 'GET', '/v1/usage?group_by=model', made.body.key);
    expect(usage.body.totals).toMatchObject({ requests: 1, prompt_tokens: data.usage.prompt_tokens });
  });
});

describe("a client key's limits", () => {
  it('counts embedded tokens against its daily budget, then refuses with 429', async () => {
    const made = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'budgeted', dailyTokens: 5 });
    expect(made.status).toBe(201);
    const key = made.body.key as string;
    const first = await call(gw.url, 'POST', '/v1/embeddings', key, {
      model: 'alpha/alpha-embed',
      input: 'one two three four five six',
    });
    expect(first.status).toBe(200);
    expect(first.body.usage.prompt_tokens).toBe(6);
    let next = await call(gw.url, 'POST', '/v1/embeddings', key, { model: 'alpha/alpha-embed', input: 'x' });
    // The budget is updated once the call is settled, a moment after the answer.
    for (let i = 0; i < 40 && next.status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      next = await call(gw.url, 'POST', '/v1/embeddings', key, { model: 'alpha/alpha-embed', input: 'x' });
    }
    expect(next.status).toBe(429);
    expect(next.body.error.code).toBe('daily_token_budget_exceeded');
  });
});

describe('400s name the field', () => {
  it.each([
    [{ model: 'auto' }, 'input'],
    [{ model: 'auto', input: '' }, 'input'],
    [{ model: 'auto', input: [] }, 'input'],
    [{ model: 'auto', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
    [{ model: 'auto', input: 'x', dimensions: 0 }, 'dimensions'],
    [{ input: 'x' }, 'model'],
    [{ model: 'auto', input: 'x', input_type: 'question' }, 'input_type'],
  ])('%j', async (body, param) => {
    const res = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, body);
    expect(res.status).toBe(400);
    expect(schemaErrors.error(res.body)).toEqual([]);
    expect(res.body.error.param).toBe(param);
  });

  it('answers 404 for a model no provider serves', async () => {
    const res = await call(gw.url, 'POST', '/v1/embeddings', ADMIN, { model: 'nope/nothing', input: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('model_not_found');
  });
});
