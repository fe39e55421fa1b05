// Usage over time: requests, tokens, cost and what the free tiers saved against list prices, per provider, model or
// client, over an hour to 90 days (range and grouping in the URL), from GET /v1/usage/series.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/client';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { FirstRequest } from '../../components/FirstRequest';
import { useSearchParam } from '../../components/use-search-param';
import { formatCompact, formatInt, formatPercent, formatUsd } from '../../format';
import { UsageBreakdown } from './UsageBreakdown';
import { UsageChart } from './UsageChart';
import { useClientName } from './client-names';
import { GROUP_BYS, groupByOf, rangeOf, seriesPath } from './range';
import { RangePicker } from './RangePicker';
import { chartData, type Metric, type UsageSeries, type UsageTotals } from './series';

const CHARTS: Metric[] = ['requests', 'tokens', 'cost', 'saved'];
const DAY = 86_400_000;

export default function UsagePage() {
  const [params, set] = useSearchParam();
  const range = rangeOf(params.get('range'));
  const groupBy = groupByOf(params.get('group_by'));
  const clientName = useClientName();
  const series = useQuery({
    queryKey: ['usage-series', range.id, groupBy],
    // The window ends when asked, so each refresh slides it forward.
    queryFn: () => api<UsageSeries>(seriesPath(range, groupBy, Date.now())),
    refetchInterval: range.refreshMs,
    placeholderData: keepPreviousData,
  });
  // Client ids as their keys' names (by the grouping of the data shown: the previous one until the new one comes).
  const data = useMemo(
    () => (series.data?.group_by === 'client' ? renamed(series.data, clientName) : series.data),
    [series.data, clientName],
  );
  return (
    <>
      <PageHeader title="Usage">
        <RangePicker value={range} onChange={(next) => set('range', next.id)} />
        <div className="field">
          <label htmlFor="usage-group-by">Group by</label>
          <select id="usage-group-by" value={groupBy} onChange={(e) => set('group_by', e.target.value)}>
            {GROUP_BYS.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </div>
      </PageHeader>
      <ErrorNotice error={series.error} />
      {data === undefined ? (
        series.isPending ? (
          <Loading what="usage" />
        ) : null
      ) : data.totals.requests === 0 ? (
        <EmptyState title={`No traffic in the last ${range.label}`}>
          {range.id !== '90d' ? <p>Nothing was called in this range; a longer one may show older traffic.</p> : null}
          <FirstRequest />
        </EmptyState>
      ) : (
        <>
          <UsageSummary totals={data.totals} />
          <div className="chart-grid">
            {CHARTS.map((metric) => (
              <UsageChart
                key={metric}
                metric={metric}
                series={data}
                data={chartData(data, metric)}
                withinADay={range.ms <= DAY}
                empty={emptyText(metric, data.totals)}
              />
            ))}
          </div>
          <UsageBreakdown groups={data.groups} groupBy={data.group_by} />
        </>
      )}
    </>
  );
}

function UsageSummary({ totals }: { totals: UsageTotals }) {
  const unpriced = totals.unpriced_requests;
  return (
    <section className="card grid" aria-label="Totals of the range">
      <Stat
        label="Requests"
        value={formatInt(totals.requests)}
        detail={`${formatInt(totals.errors)} failed (${formatPercent(totals.errors / totals.requests)})`}
      />
      <Stat
        label="Tokens"
        value={formatCompact(totals.total_tokens)}
        detail={`${formatCompact(totals.prompt_tokens)} in, ${formatCompact(totals.completion_tokens)} out`}
      />
      <Stat label="Cost" value={formatUsd(totals.cost_usd)} detail="at the catalog's prices" />
      <Stat
        label="Saved against list prices"
        value={unpriced === totals.requests ? 'no list price' : formatUsd(totals.saved_usd)}
        detail={
          unpriced > 0
            ? `${formatInt(unpriced)} calls to models without a list price not counted`
            : 'every call counted'
        }
      />
    </section>
  );
}

function Stat({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="stat">
      <span className="label">{label}</span>
      <span className="value">{value}</span>
      <span className="label">{detail}</span>
    </div>
  );
}

function emptyText(metric: Metric, totals: UsageTotals): string {
  if (metric === 'saved' && totals.unpriced_requests === totals.requests)
    return 'No list price: the models used publish no paid price to compare with.';
  if (metric === 'saved') return 'Nothing saved: the calls were paid at list price.';
  if (metric === 'cost') return 'Nothing spent: every call was free.';
  return 'Nothing in this range.';
}

/** The series with client ids replaced by names, in its groups and in every bucket's. */
function renamed(series: UsageSeries, name: (id: string) => string): UsageSeries {
  const rename = <T extends { key: string }>(groups: T[]) =>
    groups.map((group) => ({ ...group, key: name(group.key) }));
  return {
    ...series,
    groups: rename(series.groups),
    buckets: series.buckets.map((bucket) => ({ ...bucket, groups: rename(bucket.groups) })),
  };
}
