// The status page's live figures: rate, errors (a client that left is none), percentiles of successes, and the
// request log read page by page back to the window's start.
import { describe, expect, it } from 'vitest';
import { callMetrics, requestMetrics } from '../../../src/server/status/live-metrics.js';
import { createMemoryRequestLog } from '../../../src/storage/memory/requests.js';
import type { RequestRecord, UsageRecord } from '../../../src/storage/types.js';

const NOW = 1_700_000_000_000;

const callOf = (latencyMs: number, extra: Partial<UsageRecord> = {}): UsageRecord => ({
  ts: NOW,
  provider: 'alpha',
  model: 'alpha/m',
  promptTokens: 1,
  completionTokens: 1,
  costUsd: 0,
  latencyMs,
  status: 'ok',
  ...extra,
});

describe('callMetrics', () => {
  it('takes percentiles over successes only, and time to first token over streams', () => {
    const records = [
      ...[100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000].map((ms) => callOf(ms)),
      callOf(5, { status: 'error', error: 'rate_limit' }),
      callOf(50_000, { status: 'error', error: 'aborted', ttftMs: 40 }),
      callOf(300, { ttftMs: 80 }),
      callOf(300, { ttftMs: 120 }),
    ];
    expect(callMetrics(records, 5)).toEqual({
      count: 14,
      errors: 1,
      perMinute: 2.8,
      errorRate: 0.0714,
      p50LatencyMs: 400,
      p95LatencyMs: 1_000,
      p50TtftMs: 80,
    });
  });

  it('answers nulls where there is nothing to measure', () => {
    expect(callMetrics([], 5)).toEqual({
      count: 0,
      errors: 0,
      perMinute: 0,
      errorRate: null,
      p50LatencyMs: null,
      p95LatencyMs: null,
      p50TtftMs: null,
    });
  });
});

describe('requestMetrics', () => {
  const row = (endsAt: number, status: RequestRecord['status'] = 'ok'): RequestRecord => ({
    ts: endsAt - 100,
    route: 'chat',
    stream: false,
    status,
    httpStatus: status === 'ok' ? 200 : 502,
    attempts: [],
    latencyMs: 100,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: null,
    cacheHit: false,
  });

  it('counts the requests that ended in the window, across pages, and no older one', async () => {
    const store = createMemoryRequestLog({ retentionMs: 86_400_000, maxRows: 10_000 }, () => NOW);
    // Older than the window: ended six minutes ago.
    for (let i = 0; i < 5; i++) store.append(row(NOW - 360_000));
    for (let i = 0; i < 2_400; i++) store.append(row(NOW - 1_000, i % 4 === 0 ? 'error' : 'ok'));
    const metrics = await requestMetrics(store, NOW - 300_000, NOW);
    expect(metrics).toMatchObject({ count: 2_400, errors: 600, perMinute: 480, errorRate: 0.25, p50LatencyMs: 100 });
  });

  it('reads at most 5,000 rows, and then takes the rate over the time they span', async () => {
    const store = createMemoryRequestLog({ retentionMs: 86_400_000, maxRows: 10_000 }, () => NOW);
    // 6,000 requests ending 10 ms apart, the newest now: 100 a second.
    for (let i = 5_999; i >= 0; i--) store.append(row(NOW - i * 10));
    const metrics = await requestMetrics(store, NOW - 300_000, NOW);
    expect(metrics.count).toBe(5_000);
    expect(metrics.perMinute).toBeCloseTo(6_000, -1);
  });
});
