// The middleware a request passes before its route, in this order: metrics, client auth (on /v1), the JSON body. The
// express app mounts them for every route; the lean door (hot-path.ts) runs the same ones for the request doors.
import express, { type RequestHandler } from 'express';
import type { AppDeps } from './deps.js';
import { clientAuth } from './middleware/client-auth.js';

/** The front middleware, built once per app (or lean door) from the same factories. */
export interface FrontMiddleware {
  /** Counts and times the request (metrics.ts). */
  metrics: RequestHandler;
  /** Who the caller is, and their key's limits; before the body is read, so a caller without a key learns nothing. */
  auth: RequestHandler;
  /** The JSON body (server.bodyLimit): body-parser's errors become OpenAI's in the error handler. */
  json: RequestHandler;
}

/** Builds the front middleware of `deps`. */
export function frontMiddleware(deps: AppDeps): FrontMiddleware {
  return {
    metrics: deps.metrics.httpMiddleware(),
    auth: clientAuth(deps.clientKeys, deps.adminKey),
    json: express.json({ limit: deps.config.server.bodyLimit }),
  };
}
