// chartData: a usage series as chart rows, one per bucket, one stacked series per group (the biggest, the rest as
// "Other"), for each metric; and the series query of each range.
import { describe, expect, it } from 'vitest';
import { rangeOf, seriesPath } from './range';
import { chartData, OTHER, type UsageGroup, type UsageSeries, type UsageTotals } from './series';

function totals(requests: number, extra: Partial<UsageTotals> = {}): UsageTotals {
  return {
    requests,
    errors: 0,
    prompt_tokens: requests * 10,
    completion_tokens: requests * 5,
    total_tokens: requests * 15,
    cost_usd: 0,
    avg_latency_ms: 100,
    avg_ttft_ms: null,
    saved_usd: 0,
    unpriced_requests: 0,
    ...extra,
  };
}
const group = (key: string, requests: number, extra: Partial<UsageTotals> = {}): UsageGroup => ({
  key,
  ...totals(requests, extra),
});

function seriesOf(buckets: UsageGroup[][]): UsageSeries {
  const all = new Map<string, UsageGroup>();
  for (const g of buckets.flat()) {
    const sum = all.get(g.key);
    all.set(
      g.key,
      sum === undefined
        ? { ...g }
        : { ...sum, requests: sum.requests + g.requests, saved_usd: sum.saved_usd + g.saved_usd },
    );
  }
  return {
    group_by: 'provider',
    bucket: 'hour',
    from: '2025-06-15T10:00:00.000Z',
    to: '2025-06-15T12:59:59.999Z',
    totals: totals(buckets.flat().reduce((n, g) => n + g.requests, 0)),
    groups: [...all.values()],
    buckets: buckets.map((groups, i) => ({
      start: new Date(Date.UTC(2025, 5, 15, 10 + i)).toISOString(),
      totals: totals(groups.reduce((n, g) => n + g.requests, 0)),
      groups,
    })),
  };
}

describe('chartData', () => {
  it('gives one row per bucket, empty buckets as zeros, series biggest first', () => {
    const series = seriesOf([[group('groq', 1), group('mistral', 3)], [], [group('groq', 5)]]);
    const { keys, rows } = chartData(series, 'requests');
    expect(keys).toEqual(['groq', 'mistral']);
    expect(rows).toEqual([
      { t: Date.UTC(2025, 5, 15, 10), groq: 1, mistral: 3 },
      { t: Date.UTC(2025, 5, 15, 11), groq: 0, mistral: 0 },
      { t: Date.UTC(2025, 5, 15, 12), groq: 5, mistral: 0 },
    ]);
  });

  it('sums the groups past the biggest few as Other', () => {
    const names = ['a', 'b', 'c', 'd'];
    const series = seriesOf([names.map((name, i) => group(name, 10 - i)), [group('d', 1)]]);
    const { keys, rows } = chartData(series, 'requests', 3);
    expect(keys).toEqual(['a', 'b', OTHER]);
    expect(rows.map((row) => [row['a'], row['b'], row[OTHER]])).toEqual([
      [10, 9, 8 + 7],
      [0, 0, 1],
    ]);
  });

  it('draws each metric of its own: tokens, and saved with only the groups that saved anything', () => {
    const series = seriesOf([[group('groq', 2, { saved_usd: 0.5 }), group('ollama', 3)]]);
    expect(chartData(series, 'tokens').rows[0]).toMatchObject({ groq: 30, ollama: 45 });
    const saved = chartData(series, 'saved');
    expect(saved.keys).toEqual(['groq']);
    expect(saved.rows[0]).toEqual({ t: Date.UTC(2025, 5, 15, 10), groq: 0.5 });
    expect(chartData(seriesOf([[group('ollama', 3)]]), 'saved').keys).toEqual([]);
  });
});

describe('seriesPath', () => {
  it('asks each range for its span up to now, cut into its bucket', () => {
    const now = Date.UTC(2025, 5, 15, 12);
    const params = (id: string) => new URLSearchParams(seriesPath(rangeOf(id), 'model', now).split('?')[1]);
    expect(Object.fromEntries(params('1h'))).toEqual({
      bucket: 'minute',
      group_by: 'model',
      from: String(now - 3_600_000),
      to: String(now),
    });
    expect(params('7d').get('bucket')).toBe('hour');
    expect(params('90d').get('from')).toBe(String(now - 90 * 86_400_000));
    expect(params('90d').get('bucket')).toBe('day');
    // Unknown or missing: the last 24 hours.
    expect(params('bogus').get('from')).toBe(String(now - 86_400_000));
  });
});
