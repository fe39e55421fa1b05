// The graceful stop of the HTTP server (SIGTERM): stop accepting connections, report not ready, let the requests in
// flight finish within a grace period, then end what is left with a proper answer rather than a reset.
import type { Server, ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import { Server as NetServer } from 'node:net';
import { GatewayError } from '../errors.js';
import type { RunSignal } from '../providers/run-signal.js';

/** What the app reads of a stop in progress (AppDeps.shutdown). */
export interface ShutdownState {
  /** True from the moment the stop began: /health/ready answers 503 and answers close their connection. */
  readonly draining: boolean;
  /** Aborts when the grace period ends: a chat still running then ends (a stream with an error event, others 503). */
  readonly signal: AbortSignal;
}

/** How a stop went, for the log line. */
export interface DrainReport {
  /** Requests in flight when the stop began. */
  inFlight: number;
  /** Requests still running when the grace period ended, which were ended then. */
  ended: number;
}

/** The stop of one HTTP server, created before the app (which reads its state) and attached to the server. */
export interface ServerDrain extends ShutdownState {
  attach(server: Server): void;
  /**
   * Stops listening (connections already open stay, each closed after its next answer), waits for the requests in
   * flight for at most `graceMs`, then aborts `signal` and gives what is left `END_MS` to write its end. `closeStreams`
   * (the WebSocket clients' close) runs once the requests are done; the caller closes the rest.
   */
  drain(graceMs: number, closeStreams: () => Promise<void>): Promise<DrainReport>;
}

/** How long a request ended at the grace period's end has to write its last bytes before its connection is cut. */
const END_MS = 2_000;

/** The error of a chat request ended by the stop: retryable, another instance (or this one restarted) can serve it. */
function shuttingDown(): GatewayError {
  return new GatewayError('The server is shutting down; send the request again', {
    status: 503,
    type: 'service_unavailable',
    code: 'server_shutting_down',
    retryAfterMs: 1_000,
  });
}

/** True when `signal` was aborted by the stop (not by the client going away). */
export function isStopAbort(signal: RunSignal): boolean {
  return signal.aborted && signal.reason instanceof GatewayError && signal.reason.code === 'server_shutting_down';
}

export function createServerDrain(): ServerDrain {
  const controller = new AbortController();
  // Every chat in flight listens to it: no leak warning past ten.
  setMaxListeners(0, controller.signal);
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let server: Server | undefined;
  let idle: (() => void) | undefined;

  const settled = (ms: number) =>
    new Promise<void>((resolve) => {
      if (inFlight.size === 0) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        idle = undefined;
        resolve();
      }
      idle = done;
    });

  return {
    get draining() {
      return draining;
    },
    signal: controller.signal,
    attach(attached) {
      server = attached;
      // First of the request listeners, so that it runs before the app writes a header.
      attached.prependListener('request', (_req, res: ServerResponse) => {
        if (draining) res.shouldKeepAlive = false;
        inFlight.add(res);
        res.once('close', () => {
          inFlight.delete(res);
          if (!draining) return;
          // Its connection may now be idle: close it, nothing more should come in on it.
          setImmediate(() => server?.closeIdleConnections());
          if (inFlight.size === 0) idle?.();
        });
      });
    },
    async drain(graceMs, closeStreams) {
      draining = true;
      const report: DrainReport = { inFlight: inFlight.size, ended: 0 };
      if (server !== undefined) {
        // net's close, not http's: http's also closes the idle keep-alive connections at once, and a request sent on
        // one of them at that moment would be reset. Left open, each gets its answer (with `Connection: close`).
        NetServer.prototype.close.call(server);
        for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      }
      await settled(graceMs);
      report.ended = inFlight.size;
      if (report.ended > 0) {
        controller.abort(shuttingDown());
        await settled(END_MS);
      }
      await closeStreams();
      return report;
    },
  };
}
