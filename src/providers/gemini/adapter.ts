// The `gemini` wire protocol: OpenAI chat requests sent to Google AI Studio's generateContent, answers mapped back.
import { ProviderError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http.js';
import type {
  AdapterDeps,
  CallContext,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  ListedModel,
  ProviderAdapter,
} from '../types.js';
import { throwGeminiHttpError } from './errors.js';
import { fromGeminiResponse } from './from-wire.js';
import { fromGeminiStream } from './stream.js';
import { toGeminiRequest } from './to-wire.js';

/** Models per page asked of `GET /models` (the API's maximum; its default is 50). */
const MODEL_PAGE_SIZE = 1000;
/** Pages read at most, so a misbehaving upstream cannot loop us forever. */
const MAX_MODEL_PAGES = 10;

/**
 * An adapter for the Gemini Developer API (baseUrl like `https://generativelanguage.googleapis.com/v1beta`):
 * `POST models/{model}:generateContent`, and `:streamGenerateContent?alt=sse` for streams. The key travels in the
 * `x-goog-api-key` header, never in the URL (`?key=`), so it cannot end up in access logs or error messages.
 */
export function createGeminiAdapter(deps: AdapterDeps): ProviderAdapter {
  const now = deps.now ?? Date.now;
  return {
    protocol: 'gemini',
    async chat(request: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const res = await post(deps.http, request, ctx, false, now);
      return fromGeminiResponse(await res.json(), { now, model: ctx.model });
    },
    stream(request: ChatRequest, ctx: CallContext): AsyncIterable<ChatCompletionChunk> {
      return streamChat(deps.http, request, ctx, now);
    },
    listModels: async (ctx) =>
      (await discoverModels(deps.http, ctx)).filter((model) => model.kind === 'chat').map((model) => model.id),
    discoverModels: (ctx) => discoverModels(deps.http, ctx),
  };
}

async function* streamChat(
  http: HttpClient,
  request: ChatRequest,
  ctx: CallContext,
  now: () => number,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const res = await post(http, request, ctx, true, now);
  yield* fromGeminiStream(res.body, { now, model: ctx.model });
}

async function post(
  http: HttpClient,
  request: ChatRequest,
  ctx: CallContext,
  stream: boolean,
  now: () => number,
): Promise<HttpResponse> {
  const model = ctx.model.replace(/^models\//, '');
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const res = await http.request({
    url: `${trimSlash(ctx.baseUrl)}/models/${model}:${method}`,
    method: 'POST',
    headers: stream ? Object.assign(headers(ctx), { accept: 'text/event-stream' }) : headers(ctx),
    json: toGeminiRequest(request, { model }),
    signal: ctx.signal,
    timeouts: ctx.timeouts,
    pool: ctx.pool,
    onHeaders: ctx.onHeaders,
  });
  await ensureOk(res, now);
  return res;
}

/**
 * The listing, ids without the `models/` prefix, following `nextPageToken`. Models that can `generateContent` are chat
 * models, those that can `embedContent` embedding models; the rest (AQA, Imagen) serve neither.
 */
async function discoverModels(http: HttpClient, ctx: Omit<CallContext, 'model'>): Promise<ListedModel[]> {
  const listed: ListedModel[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_MODEL_PAGES; page++) {
    const query = `pageSize=${MODEL_PAGE_SIZE}${pageToken === undefined ? '' : `&pageToken=${encodeURIComponent(pageToken)}`}`;
    const res = await http.request({
      url: `${trimSlash(ctx.baseUrl)}/models?${query}`,
      method: 'GET',
      headers: headers(ctx),
      signal: ctx.signal,
      timeouts: ctx.timeouts,
      pool: ctx.pool,
    });
    await ensureOk(res);
    const body = (await res.json()) as { models?: unknown; nextPageToken?: unknown } | null;
    if (!body || typeof body !== 'object' || (body.models !== undefined && !Array.isArray(body.models))) {
      throw new ProviderError('upstream model list has no models array', { kind: 'server', status: res.status });
    }
    for (const model of (body.models ?? []) as GeminiModelInfo[]) {
      if (typeof model.name === 'string') listed.push(listedModel(model, model.name));
    }
    if (typeof body.nextPageToken !== 'string' || body.nextPageToken === '') break;
    pageToken = body.nextPageToken;
  }
  return listed;
}

interface GeminiModelInfo {
  name?: unknown;
  supportedGenerationMethods?: unknown;
  inputTokenLimit?: unknown;
  outputTokenLimit?: unknown;
}

function listedModel(model: GeminiModelInfo, name: string): ListedModel {
  const methods = Array.isArray(model.supportedGenerationMethods) ? model.supportedGenerationMethods : undefined;
  const kind =
    methods === undefined || methods.includes('generateContent')
      ? 'chat'
      : methods.includes('embedContent')
        ? 'embeddings'
        : 'other';
  return {
    id: name.replace(/^models\//, ''),
    kind,
    ...(typeof model.inputTokenLimit === 'number' ? { contextLength: model.inputTokenLimit } : {}),
    ...(typeof model.outputTokenLimit === 'number' ? { maxOutputTokens: model.outputTokenLimit } : {}),
  };
}

/** The key goes last, so a catalog header cannot replace it. */
function headers(ctx: Omit<CallContext, 'model'>): Record<string, string> {
  return Object.assign({}, ctx.headers, { 'x-goog-api-key': ctx.apiKey });
}

async function ensureOk(res: HttpResponse, now: () => number = Date.now): Promise<void> {
  if (res.status < 200 || res.status >= 300) await throwGeminiHttpError(res, now());
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
