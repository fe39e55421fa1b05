// A real HTTP server on 127.0.0.1 standing in for a remote LLM provider; a WireRenderer makes it speak one protocol.
// Plain HTTP/1.1, or HTTP/2 over TLS (a self-signed certificate) for the pools that offer it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { constants as h2, createSecureServer, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { SelfSigned } from './self-signed.js';

export interface FakeToolCall {
  id?: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

/** A successful answer: text and/or tool calls, streamed in `chunks` when the client asked for a stream. */
export interface TextReply {
  type: 'text';
  text: string;
  toolCalls?: FakeToolCall[];
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage?: { prompt: number; completion: number };
  /** How the text is cut into stream events (default: by word). */
  chunks?: string[];
  /** Wait before sending the response head. */
  delayMs?: number;
  /** Wait between stream events. */
  chunkDelayMs?: number;
  /** Streams only: after this many events, `stall` goes silent forever, `break` destroys the socket. */
  failAfterEvents?: { count: number; how: 'stall' | 'break' };
  /**
   * Non-streams only: `stall` sends the whole body and never ends the response; `break` sends the first half of the
   * body and destroys the socket.
   */
  bodyFault?: 'stall' | 'break';
}

export interface ErrorReply {
  type: 'error';
  status: number;
  message?: string;
  headers?: Record<string, string>;
  /** Sent as-is instead of the protocol's error body. */
  rawBody?: unknown;
}

/** Accepts the request and never answers. */
export interface HangReply {
  type: 'hang';
  /** When this settles, the connection is dropped without an answer (the upstream died). */
  drop?: Promise<unknown>;
  /** Send a 200 response head first (SSE for a stream request), then go silent. */
  afterHeaders?: boolean;
}

/** Bytes that are not the protocol's answer: an HTML error page, broken JSON, an answer without choices. */
export interface RawReply {
  type: 'raw';
  /** Default 200. */
  status?: number;
  contentType: string;
  body: string;
}

export type FakeReply = TextReply | ErrorReply | HangReply | RawReply;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** Set when the client closed the connection before the answer was complete. */
  aborted: boolean;
  /** `1.1` or `2.0`. */
  httpVersion?: string;
}

/** How one wire protocol renders replies. */
export interface WireRenderer {
  isStream(req: RecordedRequest): boolean;
  /** The JSON body of a complete, non-streamed answer. */
  complete(reply: TextReply, req: RecordedRequest): unknown;
  /** Each SSE event, fully framed (`event: ...\ndata: ...\n\n`), including any terminator such as `data: [DONE]`. */
  streamEvents(reply: TextReply, req: RecordedRequest): string[];
  errorBody(status: number, message: string): unknown;
  /** The body for a model-list request, or undefined when `req` is not one; `details` go into a model's entry. */
  modelList(req: RecordedRequest, models: string[], details?: ModelDetails): unknown | undefined;
}

/** Extra listing fields per model id, in the protocol's own shape. */
export type ModelDetails = Record<string, Record<string, unknown>>;

export interface FakeUpstream {
  /** Base URL to put in a provider config (the renderer's path prefix included, e.g. `.../v1`). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replies for the next requests, in order; after they run out, `fallback` answers. */
  queue(...replies: FakeReply[]): void;
  /** The answer when the queue is empty (default: a short text). */
  setFallback(reply: FakeReply | ((req: RecordedRequest) => FakeReply)): void;
  models: string[];
  /** Fields added to (or replacing) a model's entry in the listing, by model id: prices, context length, methods. */
  modelDetails: ModelDetails;
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: number;
  /** HTTP/2 sessions opened so far (an HTTP/2 upstream only; streams multiplexed on one keep this low). */
  readonly sessions: number;
  /** HTTP/2: the most requests open at once on one session so far. */
  readonly maxStreamsPerSession: number;
  close(): Promise<void>;
}

export const DEFAULT_TEXT = 'Hello from the fake upstream.';

/**
 * `http2`: serve HTTP/2 only (no HTTP/1.1 fallback), over TLS with that certificate; its `baseUrl` is `https://`. There a
 * `break` resets the answer's stream (RST_STREAM), leaving the session and its other streams alone.
 */
export async function startFakeUpstream(
  renderer: WireRenderer,
  pathPrefix = '',
  http2?: SelfSigned,
): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const pending: FakeReply[] = [];
  let fallback: FakeReply | ((req: RecordedRequest) => FakeReply) = { type: 'text', text: DEFAULT_TEXT };
  const sockets = new Set<import('node:net').Socket>();
  let connections = 0;
  let sessions = 0;
  let maxStreamsPerSession = 0;
  const openStreams = new WeakMap<object, number>();
  const fake: FakeUpstream = {
    baseUrl: '',
    requests,
    models: ['fake-model'],
    modelDetails: {},
    queue: (...replies) => void pending.push(...replies),
    setFallback: (reply) => void (fallback = reply),
    get connections() {
      return connections;
    },
    get sessions() {
      return sessions;
    },
    get maxStreamsPerSession() {
      return maxStreamsPerSession;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: await readJson(req),
      aborted: false,
      httpVersion: req.httpVersion,
    };
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });
    const list = renderer.modelList(recorded, fake.models, fake.modelDetails);
    if (list !== undefined) return sendJson(res, 200, list);
    const next = pending.shift() ?? (typeof fallback === 'function' ? fallback(recorded) : fallback);
    await answer(renderer, recorded, next, res);
  };
  // Node's HTTP/2 compatibility API gives requests and responses the methods used here (`breakOff` tells them apart).
  const server =
    http2 === undefined
      ? createServer(handle)
      : createSecureServer({ ...http2, allowHTTP1: false }, (req, res) => {
          const session = req.stream.session ?? {};
          const open = (openStreams.get(session) ?? 0) + 1;
          openStreams.set(session, open);
          maxStreamsPerSession = Math.max(maxStreamsPerSession, open);
          req.stream.once('close', () => openStreams.set(session, (openStreams.get(session) ?? 1) - 1));
          return handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        });
  server.on('session', () => void (sessions += 1));
  server.on('connection', (socket: import('node:net').Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `${http2 === undefined ? 'http' : 'https'}://127.0.0.1:${port}${pathPrefix}`;
  return fake;
}

async function answer(
  renderer: WireRenderer,
  req: RecordedRequest,
  reply: FakeReply,
  res: ServerResponse,
): Promise<void> {
  if (reply.type === 'hang') {
    void reply.drop?.then(() => breakOff(res));
    if (!reply.afterHeaders) return;
    const type = renderer.isStream(req) ? 'text/event-stream' : 'application/json';
    res.writeHead(200, { 'content-type': type });
    res.flushHeaders();
    return;
  }
  if (reply.type === 'raw') {
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType });
    res.end(reply.body);
    return;
  }
  if (reply.type === 'error') {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(
      JSON.stringify(reply.rawBody ?? renderer.errorBody(reply.status, reply.message ?? `fake error ${reply.status}`)),
    );
    return;
  }
  if (reply.delayMs) await sleep(reply.delayMs);
  if (res.destroyed) return;
  if (!renderer.isStream(req)) return sendBody(res, JSON.stringify(renderer.complete(reply, req)), reply.bodyFault);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const events = renderer.streamEvents(reply, req);
  for (const [i, event] of events.entries()) {
    if (reply.failAfterEvents && i === reply.failAfterEvents.count) {
      if (reply.failAfterEvents.how === 'break') breakOff(res);
      return;
    }
    if (res.destroyed) return;
    // Before a break, each event is let out before the next, so that the break happens after them all: Node 20's
    // HTTP/2 server sends freed memory in place of writes still queued when a stream is reset.
    if (reply.failAfterEvents) await new Promise<void>((resolve) => res.write(event, () => resolve()));
    else res.write(event);
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
  }
  res.end();
}

/** A JSON body in one write without a length, so that a `stall` leaves the client waiting for the end. */
function sendBody(res: ServerResponse, text: string, fault: TextReply['bodyFault']): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  if (fault === undefined) return void res.end(text);
  if (fault === 'stall') return void res.write(text);
  res.write(text.slice(0, Math.floor(text.length / 2)), () => breakOff(res));
}

/** HTTP/1.1: destroys the connection. HTTP/2: resets the answer's stream (INTERNAL_ERROR); the session stays up. */
function breakOff(res: ServerResponse | Http2ServerResponse): void {
  if ('stream' in res) res.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
  else res.socket?.destroy();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<any> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The text cut into stream pieces: the reply's own `chunks`, or word by word. */
export function textPieces(reply: TextReply): string[] {
  if (reply.chunks) return reply.chunks;
  return reply.text === '' ? [] : (reply.text.match(/\S+\s*|\s+/g) ?? [reply.text]);
}
