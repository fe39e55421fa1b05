// GET /v1/usage: usage totals over a time range (read from the usage rollups), grouped by provider, model, provider
// key or client; a client key sees only its own calls.
import { Router } from 'express';
import { summarizeUsageSums, USAGE_GROUP_BYS, type UsageGroupBy } from '../../accounts/usage-report.js';
import { badRequest } from '../../errors.js';
import type { UsageStore } from '../../storage/types.js';
import { callerOf } from '../middleware/client-auth.js';

/** What the usage route needs. */
export interface UsageRouteDeps {
  usage: UsageStore;
  /** The clock the default range ends at (tests inject one). */
  now: () => number;
}

/** The range reported when the request gives no `from`: the last 24 hours before `to`. */
const DEFAULT_USAGE_RANGE_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD`, optionally `THH:MM[:SS[.sss]]`, optionally `Z` or `±HH:MM`: ISO-8601 as Date.parse reads it. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `GET /v1/usage?group_by=provider|model|key|client&from=&to=`. `from` and `to` are ISO-8601 dates or times, or
 * milliseconds since the epoch; both bounds are included; the default is the 24 hours up to now. The caller
 * (`res.locals.caller`) decides what is counted: a client key only its own calls, the admin and anonymous callers
 * (auth off) every call.
 */
export function usageRoutes(deps: UsageRouteDeps): Router {
  const router = Router();
  router.get('/v1/usage', async (req, res) => {
    const groupBy = parseGroupBy(req.query['group_by']);
    const to = parseTime(req.query['to'], 'to') ?? deps.now();
    const from = parseTime(req.query['from'], 'from') ?? to - DEFAULT_USAGE_RANGE_MS;
    if (from > to)
      throw badRequest(
        `'from' (${new Date(from).toISOString()}) is after 'to' (${new Date(to).toISOString()})`,
        'from',
      );
    const caller = callerOf(res);
    // Sums from the hourly and daily rollups, with the records at the range's edges: months answer in milliseconds.
    let rows = await deps.usage.totals(from, to);
    if (caller.kind === 'client') rows = rows.filter((row) => row.clientId === caller.client.id);
    res.json(summarizeUsageSums(rows, groupBy, { from, to }));
  });
  return router;
}

function parseGroupBy(value: unknown): UsageGroupBy {
  if (value === undefined) return 'provider';
  if (typeof value === 'string' && (USAGE_GROUP_BYS as readonly string[]).includes(value)) return value as UsageGroupBy;
  throw badRequest(`'group_by' must be one of ${USAGE_GROUP_BYS.join(', ')}`, 'group_by');
}

/** Milliseconds since the epoch, or undefined when absent; a date-time without a zone is read as UTC. */
function parseTime(value: unknown, param: 'from' | 'to'): number | undefined {
  if (value === undefined) return undefined;
  const invalid = () =>
    badRequest(`'${param}' must be an ISO-8601 date or time, or milliseconds since the epoch`, param);
  if (typeof value !== 'string') throw invalid(); // repeated (?from=a&from=b) or nested (?from[x]=)
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text);
  else if (ISO_8601.test(text) && isCalendarDate(text)) ms = Date.parse(/T[^Z+-]*$/i.test(text) ? `${text}Z` : text);
  else throw invalid();
  // Date's own limit (±8.64e15 ms): beyond it toISOString would throw.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw invalid();
  return ms;
}

/** Date.parse reads 2024-02-30 as March 1st: refuse a day the month does not have. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
