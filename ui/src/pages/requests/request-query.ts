// The request log as the page reads it (GET /v1/requests), and the filters of the URL's search parameters turned into
// its query.
import { query } from '../../api/client';

/** A row of GET /v1/requests. */
export interface RequestRow {
  id: string;
  /** When the request arrived (ms since the epoch). */
  ts: number;
  run_id: string | null;
  route: string;
  client: string | null;
  model_asked: string | null;
  model_used: string | null;
  provider: string | null;
  stream: boolean;
  status: 'ok' | 'error' | 'aborted';
  http_status: number;
  error: string | null;
  attempts: Array<{ model: string; provider: string; ms: number; error: string | null }>;
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number | null;
  cache_hit: boolean;
}

/** One page of GET /v1/requests. */
export interface RequestPage {
  data: RequestRow[];
  has_more: boolean;
  next_before: string | null;
}

/** The filters the page keeps in its URL; every one optional. */
export const FILTERS = ['status', 'provider', 'model', 'client', 'since'] as const;
export type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** How far back `since` may look, by the id kept in the URL. */
export const SINCE: ReadonlyArray<{ id: string; label: string; ms: number }> = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
];

/** The statuses the status filter offers: the request's outcome, or an HTTP status sent. */
export const STATUSES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'ok', label: 'Answered (ok)' },
  { value: 'error', label: 'Failed (error)' },
  { value: 'aborted', label: 'Client went away (aborted)' },
  ...[400, 401, 403, 404, 429, 500, 502, 503, 504].map((code) => ({ value: String(code), label: `HTTP ${code}` })),
];

/** The filters of `params` (unknown values of `since` dropped). */
export function filtersOf(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value !== null && value !== '') filters[name] = value;
  }
  if (filters.since !== undefined && !SINCE.some((s) => s.id === filters.since)) delete filters.since;
  return filters;
}

/** GET /v1/requests for `filters`, older than `before`; `since` counted back from `now`. */
export function requestsPath(filters: Filters, before: string | undefined, now: number, limit = 50): string {
  const since = SINCE.find((s) => s.id === filters.since);
  return `/v1/requests${query({
    limit,
    before,
    status: filters.status,
    provider: filters.provider,
    model: filters.model,
    client: filters.client,
    since: since === undefined ? undefined : now - since.ms,
  })}`;
}
