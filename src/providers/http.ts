// Upstream HTTP: keep-alive undici pools per origin, partitioned by provider, with connect / first-byte / idle timeouts
// mapped to ProviderError.
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Agent, Client, Pool, errors as undiciErrors, type buildConnector, type Dispatcher } from 'undici';
import { BodyReads } from './body-reads.js';
import { ProviderError } from './errors.js';
import { RunAbort, type RunSignal } from './run-signal.js';

/**
 * Upstream timeouts: connecting, waiting for the response head (counted from the moment the request is handed to the
 * client, so a wait for a free connection counts too), and silence between body chunks.
 */
export interface Timeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  /** Not changed: headers that say what send would add are sent as they are. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** A JSON-serializable body; sent as application/json. */
  json?: unknown;
  signal: RunSignal;
  timeouts: Timeouts;
  /**
   * The connection pool the request goes through (the provider's id): requests of different pools never share or
   * wait for each other's sockets, even to one origin. Absent: the shared pool.
   */
  pool?: string | undefined;
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

/** How one pool connects: read once, when the pool is first used. */
export interface PoolOptions {
  /** Calls carried at once per origin: HTTP/1.1 sockets, or HTTP/2 streams (sessions of {@link HTTP2_STREAMS}); null: no limit. */
  connections: number | null;
  /** Offer HTTP/2 by ALPN on TLS origins (plain http stays HTTP/1.1). */
  http2?: boolean;
}

export interface HttpClientOptions {
  /** Sockets per origin of a pool that `pool` says nothing of (128). */
  connections?: number;
  /** A pool's own options (a provider's `maxConnections` and `http2`); undefined: the defaults. */
  pool?: (pool: string) => PoolOptions | undefined;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * An HttpClient on undici Agents, one per pool (`HttpRequest.pool`, made on first use): pooled keep-alive connections,
 * pipelining off. An Agent per provider rather than one for all: two providers on one host (a hung one and a healthy
 * one, say) would otherwise queue for the same sockets, and undici's Agent already keeps a pool per origin, so a
 * provider that calls several origins needs nothing more. A provider's pool is sized to its concurrency cap (main.ts):
 * the cap, with its bounded wait and turn-away, is what holds calls back, never an unseen queue for a socket.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const agents = new Map<string, Agent>();
  /** Agents left for HTTP/1.1 ones: closed with the client (they finish what they hold first). */
  const retired: Agent[] = [];
  const base = {
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  };
  const agentFor = (pool: string) => {
    let agent = agents.get(pool);
    if (agent === undefined) {
      const own = options.pool?.(pool);
      const connections = own === undefined ? (options.connections ?? 128) : own.connections;
      agent = own?.http2
        ? http2Agent(connections, base, () => {
            // The origin answered HTTP/1.1: later calls get a pool of as many sockets as calls, as without http2.
            retired.push(agents.get(pool)!);
            agents.set(pool, new Agent({ ...base, connections }));
          })
        : new Agent({ ...base, connections });
      agents.set(pool, agent);
    }
    return agent;
  };
  return {
    request: (req) => send(agentFor(req.pool ?? ''), req),
    close: async () => void (await Promise.all([...agents.values(), ...retired].map((agent) => agent.close()))),
  };
}

/**
 * Streams per HTTP/2 session: the least RFC 9113 recommends a server allow, and what Node's and undici's clients
 * assume until the server's SETTINGS say otherwise. A server that allows fewer refuses the streams past its limit.
 */
const HTTP2_STREAMS = 100;

/**
 * An Agent that multiplexes up to {@link HTTP2_STREAMS} calls on each HTTP/2 session, with as many sessions per origin
 * as `calls` needs. undici's defaults would not: its HTTP/2 client carries one request at a time unless `pipelining`
 * says more, and holds a POST back while another is in flight unless the request is `idempotent` (`send` marks every
 * request so; with HTTP/1.1 one request at a time, that changes nothing there). The session count is what makes a
 * burst share sessions: a connection still opening counts as busy, so without a bound each call of a burst would open
 * a session of its own. An origin that picks HTTP/1.1 by ALPN gets that connection at one request at a time, and
 * `onHttp1` is told, once.
 */
function http2Agent(calls: number | null, base: Agent.Options, onHttp1: () => void): Agent {
  let toldHttp1 = false;
  const client = (origin: URL, opts: object) => {
    const { connect } = opts as { connect: buildConnector.connector };
    const made: Client = new Client(origin, {
      ...opts,
      pipelining: HTTP2_STREAMS,
      connect: (params, done) =>
        connect(params, (err, socket) => {
          if (socket !== null && (socket as TLSSocket).alpnProtocol !== 'h2') {
            made.pipelining = 1;
            if (!toldHttp1) onHttp1();
            toldHttp1 = true;
          }
          // The callback's two shapes, as undici gave them.
          (done as (e: Error | null, s: typeof socket) => void)(err, socket);
        }),
    });
    return made;
  };
  return new Agent({
    ...base,
    allowH2: true,
    connections: calls === null ? null : Math.ceil(calls / HTTP2_STREAMS),
    factory: (origin, opts) => new Pool(origin, { ...opts, factory: client }),
  });
}

async function send(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const body = req.json === undefined ? undefined : JSON.stringify(req.json);
  const headers = withJsonHeaders(req.headers, body !== undefined);
  // undici times the response head from the moment the request is written to a socket; this timer starts now, so
  // that time spent queueing for a connection and connecting counts too. One abort per call, by the caller's signal
  // or the timer: a RunAbort, which undici's request API takes as a signal (it listens once for `abort`, then reads
  // `reason`); an AbortController would cost several times more, and AbortSignal.any more again.
  const { signal } = req;
  const call = new RunAbort();
  let timedOut = false;
  let stopWaiting: ((reason: unknown) => void) | undefined;
  const abort = (reason: unknown) => {
    call.abort(reason);
    stopWaiting?.(reason);
  };
  const onAbort = () => abort(signal.reason);
  const unlisten = () => signal.removeEventListener('abort', onAbort);
  const timer = setTimeout(() => {
    timedOut = true;
    abort(new Error('first-byte timeout'));
  }, req.timeouts.firstByteMs);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // origin and path named, not spread: a spread followed by more fields makes a new hidden class per call on Node 20
  // (docs/BENCHMARKS.md, "Hidden classes made per request").
  const { origin, path } = splitUrl(req.url);
  const pending = dispatcher.request({
    origin,
    path,
    method: req.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: call,
    headersTimeout: req.timeouts.firstByteMs,
    bodyTimeout: req.timeouts.idleMs,
    // HTTP/2: lets calls share a session (see http2Agent); HTTP/1.1 pools run one request per socket regardless.
    idempotent: true,
  });
  try {
    // A request still queued for a socket ignores its signal until it gets one (undici then drops it unsent): stop
    // waiting for it at the abort.
    const res = await new Promise<Dispatcher.ResponseData>((resolve, reject) => {
      if (call.aborted) return reject(call.reason);
      stopWaiting = reject;
      pending.then(resolve, reject);
    });
    clearTimeout(timer);
    // The head arrived as the timer fired: the abort has reached the body already.
    if (timedOut) throw new Error('first-byte timer fired');
    // The caller's signal aborts the body too, until the body is done with.
    res.body.once('close', unlisten);
    if (req.onHeaders !== undefined) notify(req.onHeaders, res.headers);
    return {
      status: res.statusCode,
      headers: res.headers,
      body: mapBodyErrors(res.body, signal),
      text: () => res.body.text().catch((err: unknown) => rethrow(err, signal)),
      json: () => wholeJson(res.body, signal),
    };
  } catch (err) {
    clearTimeout(timer);
    unlisten();
    // An answer that comes after all is not read: its socket goes back to the pool, or is closed.
    pending.then(
      (late) => late.body.destroy(),
      () => {},
    );
    if (timedOut && !signal.aborted) throw timeout('no response from upstream in time', err);
    return rethrow(err, signal);
  }
}

/**
 * The headers sent: `accept: application/json` unless `given` says otherwise, and a JSON body's content type. Headers
 * that already say both (a provider's, made once for all its calls) are sent as they are, not copied.
 */
export function withJsonHeaders(
  given: Readonly<Record<string, string>> | undefined,
  json: boolean,
): Readonly<Record<string, string>> {
  if (given?.['accept'] !== undefined && (!json || given['content-type'] === 'application/json')) return given;
  const headers: Record<string, string> = { accept: 'application/json', ...given };
  if (json) headers['content-type'] = 'application/json';
  return headers;
}

/** A listener that throws is ignored: quota bookkeeping must never cost a caller the answer that just arrived. */
function notify(listener: NonNullable<HttpRequest['onHeaders']>, headers: HttpResponse['headers']): void {
  try {
    listener(headers);
  } catch {
    // Nothing to do: the call itself went fine.
  }
}

/**
 * The body's JSON, read until it parses: a server that sends a whole body but never ends its response (no length, and
 * the end of its chunks never comes) is answered once the body is whole, not timed out after `idleMs` of silence. A
 * parse is tried only when the text so far ends as an object or an array does; a JSON text never parses before it is
 * whole, so nothing is cut short, and a body that ends on time is parsed once, as before. The body is read on to its
 * end after the answer: stopping early would destroy it, and undici builds an abort error with its stack for each one
 * (about 2 % of a request's instructions); a server that never ends is left to the body's idle timeout. The bytes are
 * kept and decoded at a parse, as a TextDecoder would decode them (see {@link utf8Text}), without its streaming state.
 */
function wholeJson(body: Readable, signal: RunSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let bytes: Buffer[] = [];
    let settled = false;
    const settle = (read: () => unknown) => {
      if (settled) return;
      settled = true;
      try {
        resolve(read());
      } catch (err) {
        reject(err);
      }
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      bytes.push(chunk);
      if (!endsAsJson(bytes)) return;
      // One buffer from here on: a body tried several times is not joined again from its pieces each time.
      if (bytes.length > 1) bytes = [Buffer.concat(bytes)];
      try {
        const value: unknown = JSON.parse(utf8Text(bytes[0]!));
        settle(() => value);
      } catch {
        // Not whole yet.
      }
    });
    body.once('end', () => settle(() => parseJson(utf8Text(Buffer.concat(bytes)))));
    // After the answer, an error (the idle timeout of a server that never ends) only closes the connection.
    body.on('error', (err) => settle(() => rethrow(err, signal)));
  });
}

/**
 * The last byte that is not white space closes an object or an array (an ASCII byte is never inside a multi-byte
 * character).
 */
function endsAsJson(chunks: readonly Buffer[]): boolean {
  for (let at = chunks.length - 1; at >= 0; at--) {
    const chunk = chunks[at]!;
    for (let i = chunk.length - 1; i >= 0; i--) {
      const c = chunk[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      return c === 0x7d || c === 0x5d; // } or ]
    }
  }
  return false;
}

/**
 * UTF-8 bytes as text, as TextDecoder decodes them: malformed bytes replaced alike, and a leading byte order mark
 * dropped (Buffer's decoding keeps it).
 */
export function utf8Text(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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

/** Parsed upstream URLs: a few per provider, and `new URL` is a measurable part of a call. */
const splitUrls = new Map<string, { origin: string; path: string }>();
const MAX_SPLIT_URLS = 1_000;

function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (split === undefined) {
    const parsed = new URL(url);
    split = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (splitUrls.size >= MAX_SPLIT_URLS) splitUrls.clear();
    splitUrls.set(url, split);
  }
  return split;
}

/**
 * The body's reads with transport failures mapped (rethrow): an iterator with one promise step per read, not an async
 * generator's (a stream's reads are its chunks, each passing several layers), over the body's events (BodyReads).
 */
function mapBodyErrors(body: Readable, signal: RunSignal): AsyncIterable<Uint8Array> {
  const fail = (err: unknown): never => rethrow(err, signal);
  return {
    [Symbol.asyncIterator]() {
      const reads = new BodyReads(body);
      return {
        next: () => reads.next().catch(fail),
        return: () => reads.return(),
      };
    },
  };
}

/** Transport failures become ProviderError; an abort by our own signal stays an AbortError. */
function rethrow(err: unknown, signal: RunSignal): never {
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
