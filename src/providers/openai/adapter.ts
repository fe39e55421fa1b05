// The `openai` wire protocol adapter: every OpenAI-compatible API (OpenRouter, Groq, Mistral, vLLM, Ollama ...) goes
// through it.
import { ProviderError } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type {
  AdapterDeps,
  CallContext,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  ProviderAdapter,
} from '../types.js';
import { completionToChunks } from '../assemble.js';
import { throwOpenAIHttpError } from './errors.js';
import { asRecord, fromOpenAICompletion, type WireDefaults } from './from-wire.js';
import { listedModels } from './listing.js';
import { isOllamaListing, withOllamaDetails } from './ollama-show.js';
import { openedLater } from './opened-later.js';
import { readOpenAIStream } from './stream.js';
import { toOpenAIRequest } from './to-wire.js';

type RequestContext = Omit<CallContext, 'model'>;

/**
 * An adapter speaking OpenAI's chat API to `ctx.baseUrl` (which includes the version path, e.g. `.../v1`).
 * Sends `Authorization: Bearer <key>` unless the key is empty (a local Ollama or vLLM), plus the catalog's headers.
 * Streams ask for `stream_options.include_usage`, so the last chunk carries usage for accounting.
 */
export function createOpenAIAdapter(deps: AdapterDeps): ProviderAdapter {
  const now = deps.now ?? Date.now;
  const defaultsFor = (model: string): WireDefaults => new MadeOnUse(model, now);

  const post = async (request: ChatRequest, ctx: CallContext, stream: boolean): Promise<HttpResponse> => {
    const res = await deps.http.request({
      url: chatUrl(ctx.baseUrl),
      method: 'POST',
      headers: postHeaders(ctx, stream),
      json: toOpenAIRequest(request, ctx.model, {
        stream,
        ...(ctx.maxTokensField ? { maxTokensField: ctx.maxTokensField } : {}),
      }),
      signal: ctx.signal,
      timeouts: ctx.timeouts,
      pool: ctx.pool,
      onHeaders: ctx.onHeaders,
    });
    if (res.status < 200 || res.status >= 300) await throwOpenAIHttpError(res, now());
    return res;
  };

  return {
    protocol: 'openai',

    async chat(request: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const res = await post(request, ctx, false);
      return fromOpenAICompletion(await res.json(), defaultsFor(ctx.model));
    },

    stream(request: ChatRequest, ctx: CallContext): AsyncIterable<ChatCompletionChunk> {
      // The reader's chunks handed on as they are: no generator step of the adapter's own per chunk.
      return openedLater(async () => {
        const res = await post(request, ctx, true);
        if (!isJson(res)) return readOpenAIStream(res.body, defaultsFor(ctx.model));
        // Some servers ignore `stream: true` and answer with one body (or an error object) anyway.
        const chunks = completionToChunks(fromOpenAICompletion(await res.json(), defaultsFor(ctx.model)), true);
        return (async function* () {
          yield* chunks;
        })();
      });
    },

    async listModels(ctx: RequestContext): Promise<string[]> {
      return modelIds(await getModels(ctx));
    },

    async discoverModels(ctx: RequestContext) {
      const body = await getModels(ctx);
      const listed = listedModels(body);
      return isOllamaListing(body) ? withOllamaDetails(deps.http, ctx, listed) : listed;
    },
  };

  async function getModels(ctx: RequestContext): Promise<unknown> {
    const res = await deps.http.request({
      url: `${trimSlash(ctx.baseUrl)}/models`,
      method: 'GET',
      headers: headersFor(ctx),
      signal: ctx.signal,
      timeouts: ctx.timeouts,
      pool: ctx.pool,
    });
    if (res.status < 200 || res.status >= 300) await throwOpenAIHttpError(res);
    return res.json();
  }
}

/**
 * The defaults of one answer, made when first read: an upstream that gives its answer's id and timestamp (most do)
 * costs no id to make. Each is made once, so that every chunk of a stream that lacks one gets the same.
 */
class MadeOnUse implements WireDefaults {
  private madeId: string | undefined;
  private madeCreated: number | undefined;

  constructor(
    readonly model: string,
    private readonly now: () => number,
  ) {}

  get id(): string {
    return (this.madeId ??= `chatcmpl-${this.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`);
  }

  get created(): number {
    return (this.madeCreated ??= Math.floor(this.now() / 1000));
  }
}

/** The chat URL of each base URL: a few per provider, and the trim is a regular expression. */
const chatUrls = new Map<string, string>();
/** The headers of a chat call, per catalog headers object, key and accept: the same few for every call. */
const postHeaderSets = new WeakMap<object, Map<string, Readonly<Record<string, string>>>>();
/** The catalog headers of a provider that has none. */
const NO_HEADERS = {};
/** More entries than any catalog has providers or keys: past it, the entries of retired keys are dropped. */
const MAX_CACHED = 1_000;

function chatUrl(baseUrl: string): string {
  let url = chatUrls.get(baseUrl);
  if (url === undefined) {
    if (chatUrls.size >= MAX_CACHED) chatUrls.clear();
    chatUrls.set(baseUrl, (url = `${trimSlash(baseUrl)}/chat/completions`));
  }
  return url;
}

/**
 * headersFor's, with the accept of a stream or of JSON and the JSON body's content type, as the HTTP client would set
 * them (so that it sends them as they are): made once per catalog headers, key and accept, and frozen, since they are
 * shared by every call.
 */
function postHeaders(ctx: CallContext, stream: boolean): Readonly<Record<string, string>> {
  const catalog = ctx.headers ?? NO_HEADERS;
  let sets = postHeaderSets.get(catalog);
  if (sets === undefined) postHeaderSets.set(catalog, (sets = new Map()));
  const key = `${stream ? 's' : 'j'}${ctx.apiKey}`;
  let headers = sets.get(key);
  if (headers === undefined) {
    if (sets.size >= MAX_CACHED) sets.clear();
    const own = headersFor(ctx);
    const json = { accept: 'application/json', ...own, 'content-type': 'application/json' };
    headers = Object.freeze(stream ? { ...json, accept: 'text/event-stream' } : json);
    sets.set(key, headers);
  }
  return headers;
}

/** The catalog's headers, then the key; a catalog `Authorization` never travels beside ours. */
export function headersFor(ctx: RequestContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers ?? {})) {
    if (ctx.apiKey !== '' && name.toLowerCase() === 'authorization') continue;
    headers[name] = value;
  }
  if (ctx.apiKey !== '') headers['authorization'] = `Bearer ${ctx.apiKey}`;
  return headers;
}

/** `data[].id` of OpenAI's list; Together answers with the bare array. */
function modelIds(body: unknown): string[] {
  const list = Array.isArray(body) ? body : asRecord(body)?.['data'];
  if (!Array.isArray(list))
    throw new ProviderError('upstream model list has no data array', { kind: 'server', status: 200 });
  return list.map((entry) => asRecord(entry)?.['id']).filter((id): id is string => typeof id === 'string');
}

function isJson(res: HttpResponse): boolean {
  const type = res.headers['content-type'];
  return (Array.isArray(type) ? type.join(',') : (type ?? '')).includes('application/json');
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
