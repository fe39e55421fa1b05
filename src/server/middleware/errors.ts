// The one error handler: any thrown value becomes OpenAI's error body with the right status, never a stack trace.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { GatewayError, notFound, toErrorResponse } from '../../errors.js';

/** 404 in OpenAI's shape for routes that do not exist. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(notFound(`Unknown route: ${req.method} ${req.path}`, 'unknown_route'));
};

/** How a door writes an error: its status, body and Retry-After (OpenAI's shapes by default). */
export type ErrorRenderer = (err: unknown) => { status: number; body: unknown; retryAfterMs?: number | undefined };

/** The error handler; a door with its own error format (Anthropic's) mounts one with its `render` on its paths. */
export function errorHandler(logger: Logger, render: ErrorRenderer = toErrorResponse): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const mapped = fromExpressError(err);
    const { status, body, retryAfterMs } = render(mapped);
    if (status >= 500 && !(mapped instanceof GatewayError)) logger.error({ err, path: req.path }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (retryAfterMs !== undefined) res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    res.status(status).json(body);
  };
}

/** body-parser's errors (bad JSON, too large, wrong charset) as client errors. */
function fromExpressError(err: unknown): unknown {
  if (err instanceof GatewayError || typeof err !== 'object' || err === null) return err;
  const { type, status, limit } = err as { type?: string; status?: number; limit?: number };
  if (type === 'entity.parse.failed') {
    return new GatewayError('The request body is not valid JSON', {
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_json',
    });
  }
  if (type === 'entity.too.large') {
    const most = typeof limit === 'number' ? `${limit} bytes (server.bodyLimit)` : 'server.bodyLimit';
    return new GatewayError(`The request body is too large: this gateway accepts at most ${most}`, {
      status: 413,
      type: 'invalid_request_error',
      code: 'body_too_large',
    });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new GatewayError('The request could not be read', {
      status,
      type: 'invalid_request_error',
      code: 'invalid_request',
    });
  }
  return err;
}
