// Each embedding protocol's translation (pure: request bodies, answers read, malformed answers refused) and its calls
// against a fake upstream on 127.0.0.1 (paths, keys, errors typed as ProviderError).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromCohereEmbeddings, toCohereEmbedRequest } from '../../../src/providers/cohere/embed.js';
import { createEmbedders, type Embedders } from '../../../src/providers/embedding-protocols.js';
import type { EmbedContext } from '../../../src/providers/embedding-types.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { fromGeminiEmbeddings, toGeminiEmbedRequest } from '../../../src/providers/gemini/embed.js';
import { createHttpClient, type HttpClient } from '../../../src/providers/http.js';
import { fromOpenAIEmbeddings, toOpenAIEmbeddingRequest } from '../../../src/providers/openai/embed.js';
import { fakeVector, startEmbeddingUpstream, type EmbeddingWire } from '../../fakes/embedding-wire.js';
import type { FakeUpstream } from '../../fakes/fake-upstream.js';

const base64Of = (values: number[]) => {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
};

describe('openai /embeddings translation', () => {
  it('asks for floats, and for a length only when given; never passes a user on', () => {
    expect(toOpenAIEmbeddingRequest({ input: ['a', 'b'] }, { model: 'm' })).toEqual({
      model: 'm',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(toOpenAIEmbeddingRequest({ input: [[1, 2]], dimensions: 256 }, { model: 'm' })).toEqual({
      model: 'm',
      input: [[1, 2]],
      encoding_format: 'float',
      dimensions: 256,
    });
    expect(toOpenAIEmbeddingRequest({ input: ['q'], modelInputType: 'query' }, { model: 'm' })).toMatchObject({
      input_type: 'query',
    });
  });

  it('orders the vectors by index, reads base64 vectors and the prompt tokens', () => {
    const body = {
      object: 'list',
      data: [
        { object: 'embedding', index: 1, embedding: base64Of([0.5, -0.25]) },
        { object: 'embedding', index: 0, embedding: [1, 2] },
      ],
      usage: { prompt_tokens: 7, total_tokens: 7 },
    };
    expect(fromOpenAIEmbeddings(body, 2)).toEqual({
      vectors: [
        [1, 2],
        [0.5, -0.25],
      ],
      promptTokens: 7,
    });
  });

  it.each([
    ['no data', { object: 'list' }],
    ['a vector short', { data: [{ index: 0, embedding: [1] }] }],
    [
      'an index twice',
      {
        data: [
          { index: 0, embedding: [1] },
          { index: 0, embedding: [2] },
        ],
      },
    ],
    [
      'not numbers',
      {
        data: [
          { index: 0, embedding: ['x'] },
          { index: 1, embedding: [1] },
        ],
      },
    ],
  ])('refuses an answer with %s as a server failure', (_what, body) => {
    const err = (() => {
      try {
        fromOpenAIEmbeddings(body, 2);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('server');
  });

  it('types an error object in a 2xx body by what it says', () => {
    const body = { error: { message: 'Rate limit reached', type: 'requests', code: 429 } };
    expect(() => fromOpenAIEmbeddings(body, 1)).toThrow(expect.objectContaining({ kind: 'rate_limit' }));
  });
});

describe('gemini embedContent / batchEmbedContents translation', () => {
  it('uses embedContent for one text and batchEmbedContents for more, with taskType and outputDimensionality', () => {
    expect(
      toGeminiEmbedRequest({ input: ['a'], inputType: 'search_query', dimensions: 768 }, 'gemini-embedding-001'),
    ).toEqual({
      method: 'embedContent',
      body: { content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 768 },
    });
    expect(toGeminiEmbedRequest({ input: ['a', 'b'], inputType: 'search_document' }, 'gemini-embedding-001')).toEqual({
      method: 'batchEmbedContents',
      body: {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_DOCUMENT' },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, taskType: 'RETRIEVAL_DOCUMENT' },
        ],
      },
    });
  });

  it('reads one embedding or a batch of them in order', () => {
    expect(fromGeminiEmbeddings({ embedding: { values: [1, 2] } }, 1)).toEqual({ vectors: [[1, 2]] });
    expect(fromGeminiEmbeddings({ embeddings: [{ values: [1] }, { values: [2] }] }, 2)).toEqual({
      vectors: [[1], [2]],
    });
    expect(() => fromGeminiEmbeddings({ embeddings: [{ values: [1] }] }, 2)).toThrow(/1 vectors for 2 inputs/);
    expect(() => fromGeminiEmbeddings({}, 1)).toThrow(ProviderError);
  });
});

describe('cohere /v2/embed translation', () => {
  it('sends texts with an input_type (search_document unless told) and asks for floats', () => {
    expect(toCohereEmbedRequest({ input: ['a'] }, 'embed-v4.0')).toEqual({
      model: 'embed-v4.0',
      texts: ['a'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
    expect(
      toCohereEmbedRequest({ input: ['a'], inputType: 'clustering', dimensions: 512 }, 'embed-v4.0'),
    ).toMatchObject({
      input_type: 'clustering',
      output_dimension: 512,
    });
  });

  it('reads embeddings_by_type and the older embeddings_floats answer, and the billed input tokens', () => {
    const byType = {
      id: 'x',
      embeddings: { float: [[1], [2]] },
      texts: ['a', 'b'],
      meta: { api_version: { version: '2' }, billed_units: { input_tokens: 3 } },
      response_type: 'embeddings_by_type',
    };
    expect(fromCohereEmbeddings(byType, 2)).toEqual({ vectors: [[1], [2]], promptTokens: 3 });
    expect(fromCohereEmbeddings({ embeddings: [[1]], response_type: 'embeddings_floats' }, 1)).toEqual({
      vectors: [[1]],
    });
    expect(() => fromCohereEmbeddings({ embeddings: { int8: [[1]] } }, 1)).toThrow(ProviderError);
  });
});

describe('the embedding adapters against fake upstreams', () => {
  let http: HttpClient;
  let embedders: Embedders;
  const fakes = {} as Record<EmbeddingWire, FakeUpstream>;
  beforeAll(async () => {
    http = createHttpClient();
    embedders = createEmbedders({ http });
    for (const wire of ['openai', 'gemini', 'cohere'] as const) fakes[wire] = await startEmbeddingUpstream(wire, 4);
  });
  afterAll(async () => {
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    await http.close();
  });
  const ctx = (wire: EmbeddingWire, apiKey = 'secret-key-1234'): EmbedContext => ({
    baseUrl: fakes[wire].baseUrl,
    apiKey,
    model: 'm1',
    signal: new AbortController().signal,
    timeouts: { connectMs: 1_000, firstByteMs: 2_000, idleMs: 2_000 },
  });

  it.each(['openai', 'gemini', 'cohere'] as const)('%s: embeds texts in order', async (wire) => {
    const result = await embedders[wire].embed({ input: ['one', 'two', 'three'] }, ctx(wire));
    expect(result.vectors).toEqual(['one', 'two', 'three'].map((text) => fakeVector(text, 4)));
  });

  it.each([
    ['openai', 429, 'rate_limit'],
    ['gemini', 429, 'rate_limit'],
    ['cohere', 429, 'rate_limit'],
    ['openai', 401, 'auth'],
    ['cohere', 401, 'auth'],
    ['gemini', 503, 'server'],
    ['cohere', 500, 'server'],
    ['cohere', 400, 'bad_request'],
  ] as const)('%s: a %i answer is a ProviderError of kind %s', async (wire, status, kind) => {
    fakes[wire].queue({ type: 'error', status, message: `failed ${status}` });
    const err = await embedders[wire].embed({ input: ['x'] }, ctx(wire)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind, status, message: expect.stringContaining(`failed ${status}`) });
  });

  it('documents their batch limits and which take token ids', () => {
    expect([embedders.openai.maxBatch, embedders.gemini.maxBatch, embedders.cohere.maxBatch]).toEqual([2048, 100, 96]);
    expect([embedders.openai.tokenInput, embedders.gemini.tokenInput, embedders.cohere.tokenInput]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
