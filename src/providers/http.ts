// Upstream HTTP: one keep-alive undici pool per origin, with connect / first-byte / idle timeouts mapped to ProviderError.
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { ProviderError, httpError } from './errors.js';
import type { Timeouts } from './types.js';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A JSON-serializable body; sent as application/json. */
  json?: unknown;
  signal: AbortSignal;
  timeouts: Timeouts;
  /** Called once with the response head (any status), before the body is read; see `CallContext.onHeaders`. */
  onHeaders?: ((headers: Record<string, string | string[] | undefined>) => void) | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrives; iterate it at most once. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** Sends upstream requests. Non-2xx answers are returned, not thrown; transport failures throw ProviderError. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** Sockets kept per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** An HttpClient on one undici Agent: pooled keep-alive connections, pipelining off. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
  return {
    request: (req) => send(agent, req),
    close: () => agent.close(),
  };
}

async function send(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  }
  try {
    const res = await dispatcher.request({
      ...splitUrl(req.url),
      method: req.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: req.signal,
      headersTimeout: req.timeouts.firstByteMs,
      bodyTimeout: req.timeouts.idleMs,
    });
    if (req.onHeaders !== undefined) notify(req.onHeaders, res.headers);
    return {
      status: res.statusCode,
      headers: res.headers,
      body: mapBodyErrors(res.body, req.signal),
      text: () => res.body.text().catch((err: unknown) => rethrow(err, req.signal)),
      json: () => res.body.text().then(parseJson, (err: unknown) => rethrow(err, req.signal)),
    };
  } catch (err) {
    return rethrow(err, req.signal);
  }
}

/** A listener that throws is ignored: quota bookkeeping must never cost a caller the answer that just arrived. */
function notify(listener: NonNullable<HttpRequest['onHeaders']>, headers: HttpResponse['headers']): void {
  try {
    listener(headers);
  } catch {
    // Nothing to do: the call itself went fine.
  }
}

/** A body that is not JSON is the upstream's fault (kind server), not the connection's. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(`upstream sent a body that is not JSON: ${text.slice(0, 200)}`, { kind: 'server', status: 200 });
  }
}

function splitUrl(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}

async function* mapBodyErrors(body: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (err) {
    rethrow(err, signal);
  }
}

/** Transport failures become ProviderError; an abort by our own signal stays an AbortError. */
function rethrow(err: unknown, signal: AbortSignal): never {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : abortError();
  if (err instanceof ProviderError) throw err;
  if (err instanceof undiciErrors.ConnectTimeoutError) throw timeout('connect timeout', err);
  if (err instanceof undiciErrors.HeadersTimeoutError) throw timeout('no response from upstream in time', err);
  if (err instanceof undiciErrors.BodyTimeoutError) throw timeout('upstream went silent mid-response', err);
  const message = err instanceof Error ? err.message : String(err);
  throw new ProviderError(`upstream connection failed: ${message}`, { kind: 'network', status: 0, cause: err });
}

function timeout(message: string, cause: unknown): ProviderError {
  return new ProviderError(message, { kind: 'timeout', status: 0, cause });
}

function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/**
 * Reads an error answer's body and throws the ProviderError for it; `extract` pulls message and code from the
 * protocol's error JSON. `now` (ms since the epoch) dates the quota resets given as delays.
 */
export async function throwHttpError(
  res: HttpResponse,
  extract: (body: unknown) => { message?: string; code?: string } = extractOpenAIStyleError,
  now = Date.now(),
): Promise<never> {
  const raw = await res.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const { message, code } = parsed === undefined ? { message: raw.slice(0, 500), code: undefined } : extract(parsed);
  const headers = { ...bodyHeaders(parsed), ...res.headers };
  throw httpError(res.status, message ?? `upstream answered ${res.status}`, headers, code, now);
}

/**
 * OpenRouter puts a 429's rate-limit headers in the body (`error.metadata.headers`, e.g. `X-RateLimit-Reset`),
 * so they are read as if they were the answer's own; the answer's real headers win a clash.
 */
function bodyHeaders(body: unknown): Record<string, string> {
  const error = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['error'] : undefined;
  const metadata = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)['metadata'] : undefined;
  const headers = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['headers'] : undefined;
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

/** `{ error: { message, type, code } }` (OpenAI, Anthropic) or `{ error: "text" }` or `{ message }`. */
export function extractOpenAIStyleError(body: unknown): { message?: string; code?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'string') return { message: error };
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    const code = typeof e['code'] === 'string' ? e['code'] : typeof e['type'] === 'string' ? e['type'] : undefined;
    return { ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}), ...(code ? { code } : {}) };
  }
  return typeof record['message'] === 'string' ? { message: record['message'] } : {};
}
