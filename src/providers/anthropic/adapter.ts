// The `anthropic` wire protocol: OpenAI chat requests sent to the Messages API, answers mapped back to OpenAI shapes.
import { ProviderError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http.js';
import type {
  AdapterDeps,
  CallContext,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  ProviderAdapter,
} from '../types.js';
import { throwAnthropicHttpError } from './errors.js';
import { fromAnthropicResponse } from './from-wire.js';
import { fromAnthropicStream } from './stream.js';
import { toAnthropicRequest } from './to-wire.js';

/** The API version Switchboard speaks; a catalog entry may override it through `ctx.headers`. */
const ANTHROPIC_VERSION = '2023-06-01';

/** Pages of the model list read at most (1000 models each), so a misbehaving upstream cannot loop us forever. */
const MAX_MODEL_PAGES = 10;

/** An adapter for Anthropic's Messages API (`POST {baseUrl}/messages`, baseUrl like `https://api.anthropic.com/v1`). */
export function createAnthropicAdapter(deps: AdapterDeps): ProviderAdapter {
  const now = deps.now ?? Date.now;
  return {
    protocol: 'anthropic',
    async chat(request: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const res = await post(deps.http, request, ctx, false);
      return fromAnthropicResponse(await res.json(), { now, model: ctx.model });
    },
    stream(request: ChatRequest, ctx: CallContext): AsyncIterable<ChatCompletionChunk> {
      return streamChat(deps.http, request, ctx, now);
    },
    listModels: (ctx) => listModels(deps.http, ctx),
    // Anthropic's listing says no more than the ids: every model chats, takes tools and images.
    discoverModels: async (ctx) =>
      (await listModels(deps.http, ctx)).map((id) => ({ id, kind: 'chat', tools: true, vision: true })),
  };
}

async function* streamChat(
  http: HttpClient,
  request: ChatRequest,
  ctx: CallContext,
  now: () => number,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const res = await post(http, request, ctx, true);
  yield* fromAnthropicStream(res.body, { now, model: ctx.model });
}

async function post(http: HttpClient, request: ChatRequest, ctx: CallContext, stream: boolean): Promise<HttpResponse> {
  const res = await http.request({
    url: `${trimSlash(ctx.baseUrl)}/messages`,
    method: 'POST',
    headers: stream ? Object.assign(headers(ctx), { accept: 'text/event-stream' }) : headers(ctx),
    json: toAnthropicRequest(request, ctx.model, stream),
    signal: ctx.signal,
    timeouts: ctx.timeouts,
    pool: ctx.pool,
    onHeaders: ctx.onHeaders,
  });
  await ensureOk(res);
  return res;
}

async function listModels(http: HttpClient, ctx: Omit<CallContext, 'model'>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_MODEL_PAGES; page++) {
    const query = `limit=1000${after === undefined ? '' : `&after_id=${encodeURIComponent(after)}`}`;
    const res = await http.request({
      url: `${trimSlash(ctx.baseUrl)}/models?${query}`,
      method: 'GET',
      headers: headers(ctx),
      signal: ctx.signal,
      timeouts: ctx.timeouts,
      pool: ctx.pool,
    });
    await ensureOk(res);
    const body = (await res.json()) as { data?: Array<{ id?: unknown }>; has_more?: unknown; last_id?: unknown } | null;
    if (!body || !Array.isArray(body.data)) {
      throw new ProviderError('upstream model list has no data array', { kind: 'server', status: res.status });
    }
    for (const model of body.data) if (typeof model.id === 'string') ids.push(model.id);
    if (body.has_more !== true || typeof body.last_id !== 'string') break;
    after = body.last_id;
  }
  return ids;
}

function headers(ctx: Omit<CallContext, 'model'>): Record<string, string> {
  return { 'x-api-key': ctx.apiKey, 'anthropic-version': ANTHROPIC_VERSION, ...ctx.headers };
}

async function ensureOk(res: HttpResponse): Promise<void> {
  if (res.status < 200 || res.status >= 300) await throwAnthropicHttpError(res);
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
