// GET /v1/requests: the request log, newest first, cursor-paged and filtered; a client key sees only its own requests.
import { Router } from 'express';
import { badRequest } from '../../errors.js';
import type { RequestLogStore, RequestQuery, RequestStatus } from '../../storage/types.js';
import { callerOf } from '../middleware/client-auth.js';
import { parseTimeParam } from '../query-time.js';
import { requestView } from '../request-log/view.js';

/** Rows per page when `limit` is not given, and the most a page may hold. */
const DEFAULT_REQUESTS_LIMIT = 50;
const MAX_REQUESTS_LIMIT = 1_000;

const STATUSES: readonly RequestStatus[] = ['ok', 'error', 'aborted'];

/**
 * `GET /v1/requests?limit=&before=&model=&provider=&status=&client=&since=` answers `{ object: "list", data,
 * has_more, next_before }`: rows newest first; `next_before` (the last row's id, or where a long scan stopped) gives
 * the next page as `before`. `model` is the model used, `status` ok / error / aborted or an HTTP status, `since` a
 * time (ISO-8601 or epoch ms) the requests arrived at or after. The admin and
 * anonymous callers (auth off) see every request, a client key only its own (`client` naming another is an empty list).
 */
export function requestRoutes(deps: { requests: RequestLogStore }): Router {
  const router = Router();
  router.get('/v1/requests', async (req, res) => {
    const query: RequestQuery = { limit: parseLimit(req.query['limit']) };
    for (const [param, field] of [
      ['before', 'before'],
      ['model', 'model'],
      ['provider', 'provider'],
      ['client', 'clientId'],
    ] as const) {
      const value = text(req.query[param], param);
      if (value !== undefined) query[field] = value;
    }
    const status = parseStatus(text(req.query['status'], 'status'));
    if (status !== undefined) query.status = status;
    const since = parseTimeParam(req.query['since'], 'since');
    if (since !== undefined) query.since = since;
    const caller = callerOf(res);
    if (caller.kind === 'client') {
      if (query.clientId !== undefined && query.clientId !== caller.client.id) {
        res.json({ object: 'list', data: [], has_more: false, next_before: null });
        return;
      }
      query.clientId = caller.client.id;
    }
    const page = await deps.requests.list(query).catch((err: unknown) => {
      throw err instanceof RangeError ? badRequest("'before' is not a request id of this log", 'before') : err;
    });
    res.json({
      object: 'list',
      data: page.rows.map(requestView),
      has_more: page.next !== undefined,
      next_before: page.next ?? null,
    });
  });
  return router;
}

/** A query parameter given once, as text (up to 256 characters); undefined when absent. */
function text(value: unknown, param: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 256)
    throw badRequest(`'${param}' must be a non-empty string`, param);
  return value;
}

function parseLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_REQUESTS_LIMIT;
  const limit = typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_REQUESTS_LIMIT))
    throw badRequest(`'limit' must be an integer from 1 to ${MAX_REQUESTS_LIMIT}`, 'limit');
  return limit;
}

function parseStatus(value: string | undefined): RequestStatus | number | undefined {
  if (value === undefined) return undefined;
  if ((STATUSES as readonly string[]).includes(value)) return value as RequestStatus;
  if (/^[1-5]\d\d$/.test(value)) return Number(value);
  throw badRequest(`'status' must be one of ${STATUSES.join(', ')}, or an HTTP status`, 'status');
}
