// The `gemini` protocol's embedding call: `models/{model}:embedContent` for one input, `:batchEmbedContents` for more,
// with the key in `x-goog-api-key` as for chat.
import { malformed, oneEach, readVector } from '../embedding-vectors.js';
import type { EmbedRequest, EmbedResult, EmbeddingAdapter, EmbeddingInputType } from '../embedding-types.js';
import type { AdapterDeps } from '../types.js';
import { throwGeminiHttpError } from './errors.js';

/** batchEmbedContents takes at most 100 requests (the API answers INVALID_ARGUMENT past it). */
const MAX_BATCH = 100;

/** The request's `input_type` as Gemini's `taskType`. */
const TASK_TYPES: Record<EmbeddingInputType, string> = {
  search_document: 'RETRIEVAL_DOCUMENT',
  search_query: 'RETRIEVAL_QUERY',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

export function createGeminiEmbedder(deps: AdapterDeps): EmbeddingAdapter {
  const now = deps.now ?? Date.now;
  return {
    maxBatch: MAX_BATCH,
    tokenInput: false,
    async embed(request, ctx) {
      const model = ctx.model.replace(/^models\//, '');
      const { method, body } = toGeminiEmbedRequest(request, model);
      const res = await deps.http.request({
        url: `${ctx.baseUrl.replace(/\/+$/, '')}/models/${model}:${method}`,
        method: 'POST',
        // The key goes last, so that a catalog header cannot replace it.
        headers: { ...ctx.headers, 'x-goog-api-key': ctx.apiKey },
        json: body,
        signal: ctx.signal,
        timeouts: ctx.timeouts,
        pool: ctx.pool,
        onHeaders: ctx.onHeaders,
      });
      if (res.status < 200 || res.status >= 300) await throwGeminiHttpError(res, now());
      return fromGeminiEmbeddings(await res.json(), request.input.length);
    },
  };
}

/** The method and body for `request`'s texts: one `embedContent`, or a `batchEmbedContents` of one request each. */
export function toGeminiEmbedRequest(request: EmbedRequest, model: string): { method: string; body: unknown } {
  const options = {
    ...(request.inputType === undefined ? {} : { taskType: TASK_TYPES[request.inputType] }),
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
  };
  const content = (text: string | number[]) => ({ parts: [{ text: String(text) }] });
  if (request.input.length === 1)
    return { method: 'embedContent', body: { content: content(request.input[0]!), ...options } };
  const requests = request.input.map((text) => ({ model: `models/${model}`, content: content(text), ...options }));
  return { method: 'batchEmbedContents', body: { requests } };
}

/** `embedding.values` (one input) or `embeddings[].values` (a batch, in the order of its requests). */
export function fromGeminiEmbeddings(body: unknown, inputs: number): EmbedResult {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const single = record['embedding'];
  const list = single === undefined ? record['embeddings'] : [single];
  if (!Array.isArray(list)) throw malformed('upstream embeddings answer has no embeddings');
  const vectors = list.map((item, i) => readVector((item as { values?: unknown } | null)?.values, `embeddings[${i}]`));
  const tokens = (record['usageMetadata'] as { promptTokenCount?: unknown } | undefined)?.promptTokenCount;
  return {
    vectors: oneEach(vectors, inputs),
    ...(typeof tokens === 'number' && tokens >= 0 ? { promptTokens: tokens } : {}),
  };
}
