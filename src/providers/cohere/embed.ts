// The `cohere` embedding protocol: POST {baseUrl}/embed of Cohere's v2 API (baseUrl like https://api.cohere.com/v2),
// texts with an `input_type`, float vectors asked for by `embedding_types`.
import { extractOpenAIStyleError, throwHttpError, type ErrorAnswerReading } from '../http-errors.js';
import { malformed, oneEach, readVector } from '../embedding-vectors.js';
import type { EmbedRequest, EmbedResult, EmbeddingAdapter } from '../embedding-types.js';
import type { AdapterDeps } from '../types.js';

/** Texts per call (Cohere's API reference: "Maximum number of texts per call is 96"). */
const MAX_BATCH = 96;

/** Cohere's errors are `{"message": "..."}` (v2 adds an `id`); its rate-limit headers are not documented. */
const READING: ErrorAnswerReading = { extract: extractOpenAIStyleError, readRateLimits: () => undefined };

export function createCohereEmbedder(deps: AdapterDeps): EmbeddingAdapter {
  const now = deps.now ?? Date.now;
  return {
    maxBatch: MAX_BATCH,
    tokenInput: false,
    async embed(request, ctx) {
      const res = await deps.http.request({
        url: `${ctx.baseUrl.replace(/\/+$/, '')}/embed`,
        method: 'POST',
        headers: { ...ctx.headers, authorization: `Bearer ${ctx.apiKey}` },
        json: toCohereEmbedRequest(request, ctx.model),
        signal: ctx.signal,
        timeouts: ctx.timeouts,
        pool: ctx.pool,
        onHeaders: ctx.onHeaders,
      });
      if (res.status < 200 || res.status >= 300) await throwHttpError(res, READING, now());
      return fromCohereEmbeddings(await res.json(), request.input.length);
    },
  };
}

/**
 * The v2 body. `input_type` is required by every v3+ model; without the client's, `search_document` (what a corpus is
 * embedded as, and what most clients of an OpenAI-shaped API are doing).
 */
export function toCohereEmbedRequest(request: EmbedRequest, model: string) {
  return {
    model,
    texts: request.input.map(String),
    input_type: request.inputType ?? 'search_document',
    embedding_types: ['float'],
    ...(request.dimensions === undefined ? {} : { output_dimension: request.dimensions }),
  };
}

/**
 * `embeddings.float` (the v2 `embeddings_by_type` answer), or `embeddings` as a bare list (`embeddings_floats`), and
 * `meta.billed_units.input_tokens`.
 */
export function fromCohereEmbeddings(body: unknown, inputs: number): EmbedResult {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const embeddings = record['embeddings'];
  const list = Array.isArray(embeddings) ? embeddings : (embeddings as { float?: unknown } | undefined)?.float;
  if (!Array.isArray(list)) throw malformed('upstream embed answer has no float embeddings');
  const vectors = list.map((values, i) => readVector(values, `embeddings.float[${i}]`));
  const meta = record['meta'] as { billed_units?: { input_tokens?: unknown } } | undefined;
  const tokens = meta?.billed_units?.input_tokens;
  return {
    vectors: oneEach(vectors, inputs),
    ...(typeof tokens === 'number' && tokens >= 0 ? { promptTokens: tokens } : {}),
  };
}
