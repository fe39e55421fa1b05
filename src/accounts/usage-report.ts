// Usage reports: totals of usage records or of their rollups' sums, overall and per provider, model, provider key or
// client (pure functions).
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
}

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
 * then by key, so the order is stable). `range` only labels the report: filtering is the caller's job.
 */
export function summarizeUsage(
  records: UsageRecord[],
  groupBy: UsageGroupBy,
  range?: { from: number; to: number },
): UsageReport {
  return summarizeUsageSums(records.map(sumsOfRecord), groupBy, range);
}

/** The same report from sums rows (UsageStore.totals: rollups and records), several per group allowed. */
export function summarizeUsageSums(
  rows: UsageSums[],
  groupBy: UsageGroupBy,
  range?: { from: number; to: number },
): UsageReport {
  const overall = emptyCounts();
  const groups = new Map<string, UsageCounts>();
  for (const row of rows) {
    const key = usageGroupKey(row, groupBy);
    let sums = groups.get(key);
    if (sums === undefined) groups.set(key, (sums = emptyCounts()));
    addCounts(overall, row);
    addCounts(sums, row);
  }
  const out = [...groups].map(([key, sums]) => ({ key, ...totalsOf(sums) }));
  out.sort(
    (a, b) =>
      b.total_tokens - a.total_tokens || b.requests - a.requests || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return {
    group_by: groupBy,
    ...(range === undefined ? {} : { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() }),
    totals: totalsOf(overall),
    groups: out,
  };
}

/** A group's running counts as UsageTotals (so averages and rounding happen once, at the end). */
function totalsOf(sums: UsageCounts): UsageTotals {
  return {
    requests: sums.requests,
    errors: sums.errors,
    prompt_tokens: sums.promptTokens,
    completion_tokens: sums.completionTokens,
    total_tokens: sums.promptTokens + sums.completionTokens,
    cost_usd: Math.round(sums.costUsd * 1e6) / 1e6,
    avg_latency_ms: sums.requests === 0 ? 0 : Math.round(sums.latencyMs / sums.requests),
    avg_ttft_ms: sums.streams === 0 ? null : Math.round(sums.ttftMs / sums.streams),
  };
}
