// GET /v1/ws on the API's own HTTP server: the upgrade (path and auth), heartbeats, and one session per connection.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventLog } from '../../storage/types.js';
import { createSession, type Session, type SessionOptions, type Viewer } from './session.js';

export type { Viewer } from './session.js';

/** Tunables of the event stream; every one has a default. */
export interface EventStreamOptions extends Partial<SessionOptions> {
  /** The upgrade path. Default `/v1/ws`. */
  path?: string;
  /** How often each socket is pinged; one that did not answer the previous ping is dropped. Default 30 s. */
  heartbeatMs?: number;
  /** The largest frame a client may send (its messages are tiny). Default 64 KiB. */
  maxPayloadBytes?: number;
}

/**
 * Decides whether an upgrade request may connect, and what it may see: a Viewer lets it in; a reason (a string)
 * answers 401 with it.
 */
export type Authorize = (req: IncomingMessage) => Viewer | string | Promise<Viewer | string>;

/** Everything: the viewer of a connection when there is no authorize hook. */
const SEES_ALL: Viewer = { sees: () => true };

/** What the event stream needs. */
export interface EventStreamDeps {
  log: EventLog;
  logger: Logger;
  /** Left out, the endpoint is open to anyone who can reach the port. */
  authorize?: Authorize;
  options?: EventStreamOptions;
}

/** The running endpoint. */
export interface EventStream {
  /**
   * Closes every connection (1001, going away) and stops listening for upgrades; call before closing the HTTP server.
   */
  close(): Promise<void>;
}

interface Connection {
  readonly ws: WebSocket;
  readonly session: Session;
  /** Whether the client answered since the last ping. */
  alive: boolean;
}

const KIB = 1024;

function sessionOptions(o: EventStreamOptions): SessionOptions {
  const maxBufferedBytes = o.maxBufferedBytes ?? 4 * KIB * KIB;
  return {
    maxQueuedMessages: o.maxQueuedMessages ?? 4096,
    maxBufferedBytes,
    highWaterBytes: o.highWaterBytes ?? Math.min(256 * KIB, Math.floor(maxBufferedBytes / 2)),
    maxSubscriptions: o.maxSubscriptions ?? 100,
    closeGraceMs: o.closeGraceMs ?? 10_000,
  };
}

/** Answers an upgrade with a plain HTTP error in OpenAI's error shape, then destroys the socket. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const type = status === 401 ? 'authentication_error' : status === 404 ? 'invalid_request_error' : 'server_error';
  const body = JSON.stringify({ error: { message, type, param: null, code } });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  if (status === 401) head.push('WWW-Authenticate: Bearer');
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return url ?? '/';
  }
}

/** Serves the event stream on `server`'s upgrade requests to `/v1/ws`; other upgrade paths get a 404. */
export function attachEventStream(server: Server, deps: EventStreamDeps): EventStream {
  const { log, logger, authorize, options = {} } = deps;
  const path = options.path ?? '/v1/ws';
  const perSession = sessionOptions(options);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: options.maxPayloadBytes ?? 64 * KIB,
  });
  const connections = new Set<Connection>();
  let closed = false;

  function connect(ws: WebSocket, viewer: Viewer): void {
    const connection: Connection = {
      ws,
      session: createSession(ws, { log, logger, viewer, options: perSession }),
      alive: true,
    };
    connections.add(connection);
    ws.on('pong', () => void (connection.alive = true));
    ws.on('message', (data) => {
      connection.alive = true;
      connection.session.receive(data);
    });
    ws.on('error', (err) => logger.debug({ err }, 'ws connection error'));
    ws.on('close', () => {
      connections.delete(connection);
      connection.session.close();
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const onError = (err: Error): void => {
      logger.debug({ err }, 'ws upgrade socket error');
      socket.destroy();
    };
    socket.on('error', onError);
    if (closed) return refuse(socket, 503, 'shutting_down', 'the server is shutting down');
    const requested = pathOf(req.url);
    if (requested !== path)
      return refuse(socket, 404, 'not_found', `no WebSocket endpoint at ${requested}; use ${path}`);
    let viewer = SEES_ALL;
    if (authorize !== undefined) {
      let verdict: Viewer | string;
      try {
        verdict = await authorize(req);
      } catch (err) {
        logger.error({ err }, 'ws authorize failed');
        return refuse(socket, 500, 'internal_error', 'could not check the credentials');
      }
      if (typeof verdict === 'string') return refuse(socket, 401, 'unauthorized', verdict);
      if (socket.destroyed || closed) return void socket.destroy();
      viewer = verdict;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', onError);
      connect(ws, viewer);
    });
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => void upgrade(req, socket, head);
  server.on('upgrade', onUpgrade);

  // A client that did not answer the previous ping (with a pong or any message) is gone: its socket is destroyed.
  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      await Promise.all(
        [...connections].map(
          ({ ws }) =>
            new Promise<void>((resolve) => {
              const force = setTimeout(() => ws.terminate(), 1_000);
              ws.once('close', () => {
                clearTimeout(force);
                resolve();
              });
              ws.close(1001, 'server shutting down');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
