// The `openai` protocol's embedding call: POST {baseUrl}/embeddings, as OpenAI, Mistral, NVIDIA NIM, Cloudflare,
// Ollama and every other OpenAI-compatible server answer it.
import { malformed, oneEach, readVector } from '../embedding-vectors.js';
import type { EmbedContext, EmbedRequest, EmbedResult, EmbeddingAdapter } from '../embedding-types.js';
import type { AdapterDeps } from '../types.js';
import { headersFor } from './adapter.js';
import { errorFromBody, throwOpenAIHttpError } from './errors.js';
import { asRecord } from './from-wire.js';

/** OpenAI's limit of inputs per request (its API reference: "any array must be 2048 dimensions or less"). */
const MAX_BATCH = 2048;

export function createOpenAIEmbedder(deps: AdapterDeps): EmbeddingAdapter {
  const now = deps.now ?? Date.now;
  return {
    maxBatch: MAX_BATCH,
    tokenInput: true,
    async embed(request, ctx) {
      const res = await deps.http.request({
        url: `${ctx.baseUrl.replace(/\/+$/, '')}/embeddings`,
        method: 'POST',
        headers: headersFor(ctx),
        json: toOpenAIEmbeddingRequest(request, ctx),
        signal: ctx.signal,
        timeouts: ctx.timeouts,
        pool: ctx.pool,
        onHeaders: ctx.onHeaders,
      });
      if (res.status < 200 || res.status >= 300) await throwOpenAIHttpError(res, now());
      return fromOpenAIEmbeddings(await res.json(), request.input.length);
    },
  };
}

/**
 * The upstream body. Floats are always asked for, whatever the client wants: every compatible server has them (not
 * all have base64), and the gateway encodes the answer itself. The client's `user` is not passed on: some compatible
 * APIs (Mistral's) refuse fields they do not know.
 */
export function toOpenAIEmbeddingRequest(request: EmbedRequest, ctx: Pick<EmbedContext, 'model'>) {
  return {
    model: ctx.model,
    input: request.input,
    encoding_format: 'float',
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(request.modelInputType === undefined ? {} : { input_type: request.modelInputType }),
  };
}

/** `data[]` ordered by `index` (the API may list them in any order), and `usage.prompt_tokens` when given. */
export function fromOpenAIEmbeddings(body: unknown, inputs: number): EmbedResult {
  const record = asRecord(body);
  if (record?.['error'] !== undefined) throw errorFromBody(body);
  const data = record?.['data'];
  if (!Array.isArray(data)) throw malformed('upstream embeddings answer has no data array');
  const vectors: number[][] = new Array(data.length);
  data.forEach((entry, position) => {
    const item = asRecord(entry);
    const index = typeof item?.['index'] === 'number' ? item['index'] : position;
    if (!Number.isInteger(index) || index < 0 || index >= data.length || vectors[index] !== undefined)
      throw malformed(`upstream embeddings answer has a bad index ${String(item?.['index'])}`);
    vectors[index] = readVector(item?.['embedding'], `data[${position}].embedding`);
  });
  const tokens = asRecord(record?.['usage'])?.['prompt_tokens'];
  return {
    vectors: oneEach(vectors, inputs),
    ...(typeof tokens === 'number' && tokens >= 0 ? { promptTokens: tokens } : {}),
  };
}
