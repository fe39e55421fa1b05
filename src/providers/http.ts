// Upstream HTTP: one keep-alive undici pool per origin, with connect / first-byte / idle timeouts mapped to
// ProviderError.
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { ProviderError } from './errors.js';

/** Upstream timeouts: connecting, waiting for the response head, and silence between body chunks. */
export interface Timeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

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
    throw new ProviderError(`upstream sent a body that is not JSON: ${text.slice(0, 200)}`, {
      kind: 'server',
      status: 200,
    });
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
