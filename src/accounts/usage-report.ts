// Usage reports: totals of usage records or of their rollups' sums, overall and per provider, model, provider key or
// client, with what the calls saved against the models' list prices (pure functions).
import type { PricePer1M } from '../catalog/list-price.js';
import type { UsageRecord, UsageSums } from '../storage/types.js';
import { addCounts, emptyCounts, sumsOfRecord, type UsageCounts } from '../storage/usage-rollups.js';

/** What a report can be grouped by. */
export type UsageGroupBy = 'provider' | 'model' | 'key' | 'client';

/** The values a report can be grouped by, for validating a query parameter. */
export const USAGE_GROUP_BYS: readonly UsageGroupBy[] = ['provider', 'model', 'key', 'client'];

/** Totals of a set of records; snake_case, since it is an HTTP response body. */
export interface UsageTotals {
  /** Upstream calls, failed ones included. */
  requests: number;
  /** Calls whose status is error. */
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Rounded to 6 decimals (a millionth of a dollar), so float noise does not show. */
  cost_usd: number;
  /** Mean latency of the calls, rounded to the millisecond; 0 without calls. */
  avg_latency_ms: number;
  /** Mean time to first content of the streamed calls, rounded to the millisecond; null when none was streamed. */
  avg_ttft_ms: number | null;
  /**
   * What the tokens of the calls whose model has a list price would cost at that price, less what they cost; rounded
   * to 6 decimals. The calls of models without one are left out (unpriced_requests counts them).
   */
  saved_usd: number;
  /** Calls to models with no known list price (not in saved_usd). */
  unpriced_requests: number;
}

/** The list price of a `provider/model`, or undefined when none is known (listPriceOf on the live catalog). */
export type ListPriceOf = (model: string) => PricePer1M | undefined;

/** What saved_usd and unpriced_requests are summed from. */
interface SavedCounts {
  savedUsd: number;
  unpricedRequests: number;
}

/** The running counts of a report's group. */
type ReportCounts = UsageCounts & SavedCounts;

/** GET /v1/usage's body: the totals of the records in range, and the same per group, biggest token users first. */
export interface UsageReport {
  group_by: UsageGroupBy;
  /** The range reported on (ISO-8601), when the caller gives it. */
  from?: string;
  to?: string;
  totals: UsageTotals;
  groups: Array<{ key: string } & UsageTotals>;
}

/** What a record or a sums row is grouped by. */
type Grouped = Pick<UsageSums, 'provider' | 'model' | 'keyId' | 'keyMasked' | 'clientId'>;

/** The group a record falls in: keys by their masked form and id (never the secret), clients by id. */
export function usageGroupKey(record: Grouped, groupBy: UsageGroupBy): string {
  switch (groupBy) {
    case 'provider':
      return record.provider;
    case 'model':
      return record.model;
    case 'key':
      if (record.keyMasked !== undefined && record.keyId !== undefined) return `${record.keyMasked} (${record.keyId})`;
      return record.keyMasked ?? record.keyId ?? 'none'; // 'none': a keyless provider (Ollama)
    case 'client':
      return record.clientId ?? 'anonymous';
  }
}

/**
 * Sums `records` overall and per group of `groupBy`. Groups are sorted by total tokens, most first (then by requests,
 * then by key, so the order is stable). `range` only labels the report: filtering is the caller's job. `priceOf`
 * gives the list prices saved_usd is counted against (none: every call is unpriced).
 */
export function summarizeUsage(
  records: UsageRecord[],
  groupBy: UsageGroupBy,
  range?: { from: number; to: number },
  priceOf?: ListPriceOf,
): UsageReport {
  return summarizeUsageSums(records.map(sumsOfRecord), groupBy, range, priceOf);
}

/** The same report from sums rows (UsageStore.totals: rollups and records), several per group allowed. */
export function summarizeUsageSums(
  rows: UsageSums[],
  groupBy: UsageGroupBy,
  range?: { from: number; to: number },
  priceOf: ListPriceOf = () => undefined,
): UsageReport {
  const { totals, groups } = sumGroups(rows, groupBy, priceOf);
  return {
    group_by: groupBy,
    ...(range === undefined ? {} : { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() }),
    totals,
    groups,
  };
}

/** The totals of `rows` and of each group of `groupBy`, biggest token users first. */
export function sumGroups(
  rows: UsageSums[],
  groupBy: UsageGroupBy,
  priceOf: ListPriceOf,
): Pick<UsageReport, 'totals' | 'groups'> {
  const overall = emptyReportCounts();
  const groups = new Map<string, ReportCounts>();
  for (const row of rows) {
    const key = usageGroupKey(row, groupBy);
    let sums = groups.get(key);
    if (sums === undefined) groups.set(key, (sums = emptyReportCounts()));
    const saved = savedOf(row, priceOf(row.model));
    for (const into of [overall, sums]) {
      addCounts(into, row);
      into.savedUsd += saved.savedUsd;
      into.unpricedRequests += saved.unpricedRequests;
    }
  }
  const out = [...groups].map(([key, sums]) => ({ key, ...totalsOf(sums) }));
  out.sort(
    (a, b) =>
      b.total_tokens - a.total_tokens || b.requests - a.requests || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return { totals: totalsOf(overall), groups: out };
}

function emptyReportCounts(): ReportCounts {
  return { ...emptyCounts(), savedUsd: 0, unpricedRequests: 0 };
}

/** What one sums row saved at `price` (its calls' tokens at the list price, less their cost), or its calls unpriced. */
function savedOf(row: UsageSums, price: PricePer1M | undefined): SavedCounts {
  if (price === undefined) return { savedUsd: 0, unpricedRequests: row.requests };
  const listed = (row.promptTokens * price.input + row.completionTokens * price.output) / 1_000_000;
  return { savedUsd: listed - row.costUsd, unpricedRequests: 0 };
}

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** A group's running counts as UsageTotals (so averages and rounding happen once, at the end). */
function totalsOf(sums: ReportCounts): UsageTotals {
  return {
    requests: sums.requests,
    errors: sums.errors,
    prompt_tokens: sums.promptTokens,
    completion_tokens: sums.completionTokens,
    total_tokens: sums.promptTokens + sums.completionTokens,
    cost_usd: round6(sums.costUsd),
    avg_latency_ms: sums.requests === 0 ? 0 : Math.round(sums.latencyMs / sums.requests),
    avg_ttft_ms: sums.streams === 0 ? null : Math.round(sums.ttftMs / sums.streams),
    // + 0: -0 (a rounding of a tiny negative) would print as 0 anyway, but compares unequal in tests.
    saved_usd: round6(sums.savedUsd) + 0,
    unpriced_requests: sums.unpricedRequests,
  };
}
