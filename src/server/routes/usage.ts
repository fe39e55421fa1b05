// GET /v1/usage: usage totals over a time range (read from the usage rollups), grouped by provider, model, provider
// key or client; GET /v1/usage/series: the same cut into minutes, hours or days. A client key sees only its own calls.
import { type Response, Router } from 'express';
import {
  type ListPriceOf,
  summarizeUsageSums,
  USAGE_GROUP_BYS,
  type UsageGroupBy,
} from '../../accounts/usage-report.js';
import {
  bucketCount,
  bucketSpans,
  defaultBucket,
  MAX_SERIES_BUCKETS,
  summarizeUsageSeries,
  USAGE_BUCKET_MS,
  type UsageBucket,
} from '../../accounts/usage-series.js';
import { badRequest } from '../../errors.js';
import { sumsOfRecord } from '../../storage/usage-rollups.js';
import type { UsageStore, UsageSums } from '../../storage/types.js';
import { callerOf } from '../middleware/client-auth.js';
import { parseRange } from '../query-time.js';

/** What the usage routes need. */
export interface UsageRouteDeps {
  usage: UsageStore;
  /** The clock the default range ends at (tests inject one). */
  now: () => number;
  /** Each model's list price (the live catalog's), which saved_usd is counted against. */
  priceOf: ListPriceOf;
}

/** The range reported when the request gives no `from`: the last 24 hours before `to`. */
const DEFAULT_USAGE_RANGE_MS = 24 * 60 * 60 * 1000;

const BUCKETS = Object.keys(USAGE_BUCKET_MS) as UsageBucket[];

/**
 * `GET /v1/usage?group_by=provider|model|key|client&from=&to=` and `GET /v1/usage/series?bucket=minute|hour|day&...`.
 * `from` and `to` are ISO-8601 dates or times, or milliseconds since the epoch; both bounds are included; the default
 * is the 24 hours up to now. The caller (`res.locals.caller`) decides what is counted: a client key only its own
 * calls, the admin and anonymous callers (auth off) every call.
 */
export function usageRoutes(deps: UsageRouteDeps): Router {
  const router = Router();
  router.get('/v1/usage', async (req, res) => {
    const groupBy = parseGroupBy(req.query['group_by']);
    const range = parseRange(req.query, deps.now(), DEFAULT_USAGE_RANGE_MS);
    // Sums from the hourly and daily rollups, with the records at the range's edges: months answer in milliseconds.
    const rows = ownRows(res, await deps.usage.totals(range.from, range.to));
    res.json(summarizeUsageSums(rows, groupBy, range, deps.priceOf));
  });
  router.get('/v1/usage/series', async (req, res) => {
    const groupBy = parseGroupBy(req.query['group_by']);
    const { from, to } = parseRange(req.query, deps.now(), DEFAULT_USAGE_RANGE_MS);
    const bucket = parseBucket(req.query['bucket']) ?? defaultBucket(from, to);
    const unit = USAGE_BUCKET_MS[bucket];
    const count = bucketCount(from, to, unit);
    if (count > MAX_SERIES_BUCKETS)
      throw badRequest(
        `the range holds ${count} ${bucket}s, more than ${MAX_SERIES_BUCKETS}: choose a larger bucket or a shorter range`,
        'bucket',
      );
    const spans = bucketSpans(from, to, unit);
    let rows: UsageSums[][];
    if (bucket === 'minute') {
      // Rollups have no minutes: one read of the records, each added to its minute.
      rows = spans.map(() => []);
      for (const record of await deps.usage.query(from, to))
        rows[Math.floor(record.ts / unit) - Math.floor(from / unit)]?.push(sumsOfRecord(record));
    } else {
      // Whole hours and days come from the rollups: one small read per bucket.
      rows = await Promise.all(spans.map((span) => deps.usage.totals(span.start, span.end)));
    }
    rows = rows.map((bucketRows) => ownRows(res, bucketRows));
    res.json(summarizeUsageSeries(spans, rows, { groupBy, bucket, from, to, priceOf: deps.priceOf }));
  });
  return router;
}

/** The rows the caller may see: a client key only its own. */
function ownRows<T extends { clientId?: string }>(res: Response, rows: T[]): T[] {
  const caller = callerOf(res);
  return caller.kind === 'client' ? rows.filter((row) => row.clientId === caller.client.id) : rows;
}

function parseGroupBy(value: unknown): UsageGroupBy {
  if (value === undefined) return 'provider';
  if (typeof value === 'string' && (USAGE_GROUP_BYS as readonly string[]).includes(value)) return value as UsageGroupBy;
  throw badRequest(`'group_by' must be one of ${USAGE_GROUP_BYS.join(', ')}`, 'group_by');
}

function parseBucket(value: unknown): UsageBucket | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (BUCKETS as string[]).includes(value)) return value as UsageBucket;
  throw badRequest(`'bucket' must be one of ${BUCKETS.join(', ')}`, 'bucket');
}
