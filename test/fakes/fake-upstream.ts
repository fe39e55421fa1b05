// A real HTTP server on 127.0.0.1 standing in for a remote LLM provider; a WireRenderer makes it speak one protocol.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  close(): Promise<void>;
}

export const DEFAULT_TEXT = 'Hello from the fake upstream.';

export async function startFakeUpstream(renderer: WireRenderer, pathPrefix = ''): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const pending: FakeReply[] = [];
  let fallback: FakeReply | ((req: RecordedRequest) => FakeReply) = { type: 'text', text: DEFAULT_TEXT };
  const sockets = new Set<import('node:net').Socket>();
  let connections = 0;
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
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: await readJson(req),
      aborted: false,
    };
    requests.push(recorded);
    res.on('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });
    const list = renderer.modelList(recorded, fake.models, fake.modelDetails);
    if (list !== undefined) return sendJson(res, 200, list);
    const next = pending.shift() ?? (typeof fallback === 'function' ? fallback(recorded) : fallback);
    await answer(renderer, recorded, next, res);
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://127.0.0.1:${port}${pathPrefix}`;
  return fake;
}

async function answer(
  renderer: WireRenderer,
  req: RecordedRequest,
  reply: FakeReply,
  res: ServerResponse,
): Promise<void> {
  if (reply.type === 'hang') {
    void reply.drop?.then(() => res.socket?.destroy());
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
      // Let what was written reach the client first, so that the break happens after those events.
      if (reply.failAfterEvents.how === 'break') await new Promise<void>((resolve) => res.write('', () => resolve()));
      if (reply.failAfterEvents.how === 'break') res.socket?.destroy();
      return;
    }
    if (res.destroyed) return;
    res.write(event);
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
  }
  res.end();
}

/** A JSON body in one write without a length, so that a `stall` leaves the client waiting for the end. */
function sendBody(res: ServerResponse, text: string, fault: TextReply['bodyFault']): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  if (fault === undefined) return void res.end(text);
  if (fault === 'stall') return void res.write(text);
  res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
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
