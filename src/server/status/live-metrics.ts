// The status page's live figures: rate, error rate and latency percentiles over the last minutes, computed from the
// usage records (one per upstream call) and the request log (one row per client request), which every instance
// shares through the store, so the figures are the fleet's, exact, and cost one range read each.
import type { RequestLogStore, StoredRequest, UsageRecord } from '../../storage/types.js';
import type { LiveMetrics } from './types.js';

/** One call or request as the figures need it. */
interface Sample {
  /** When it ended (ms since the epoch). */
  end: number;
  ok: boolean;
  failed: boolean;
  latencyMs: number;
  ttftMs?: number | undefined;
}

/** Request-log rows read per page, and at most in all (past that, the figures are over the newest rows). */
const PAGE_ROWS = 1_000;
const MAX_ROWS = 5_000;

/** The figures of a provider's upstream calls (or of all of them) over `minutes`. */
export function callMetrics(records: UsageRecord[], minutes: number): LiveMetrics {
  return metricsOf(
    records.map((r) => ({
      end: r.ts,
      ok: r.status === 'ok',
      // A client that went away says nothing about the provider.
      failed: r.status === 'error' && r.error !== 'aborted',
      latencyMs: r.latencyMs,
      ttftMs: r.ttftMs,
    })),
    minutes,
  );
}

/**
 * The figures of the client requests that ended since `from`, read newest first from the request log (rows are
 * appended as requests end). Past MAX_ROWS, the rate is taken over the time the rows read cover.
 */
export async function requestMetrics(store: RequestLogStore, from: number, now: number): Promise<LiveMetrics> {
  const samples: Sample[] = [];
  let before: string | undefined;
  let complete = false;
  while (samples.length < MAX_ROWS) {
    const page = await store.list({ limit: PAGE_ROWS, ...(before === undefined ? {} : { before }) });
    const rows = page.rows.map(requestSample);
    const older = rows.findIndex((s) => s.end < from);
    samples.push(...(older === -1 ? rows : rows.slice(0, older)));
    if (older !== -1 || page.next === undefined) {
      complete = true;
      break;
    }
    before = page.next;
  }
  const covered = complete || samples.length === 0 ? now - from : now - Math.min(...samples.map((s) => s.end));
  return metricsOf(samples, Math.max(covered, 1) / 60_000);
}

function requestSample(row: StoredRequest): Sample {
  return {
    end: row.ts + row.latencyMs,
    ok: row.status === 'ok',
    failed: row.status === 'error',
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
  };
}

function metricsOf(samples: Sample[], minutes: number): LiveMetrics {
  const count = samples.length;
  const errors = samples.filter((s) => s.failed).length;
  const latencies = samples.filter((s) => s.ok).map((s) => s.latencyMs);
  const ttfts = samples.flatMap((s) => (s.ttftMs === undefined ? [] : [s.ttftMs]));
  return {
    count,
    errors,
    perMinute: round(count / minutes, 2),
    errorRate: count === 0 ? null : round(errors / count, 4),
    p50LatencyMs: percentile(latencies, 0.5),
    p95LatencyMs: percentile(latencies, 0.95),
    p50TtftMs: percentile(ttfts, 0.5),
  };
}

/** The nearest-rank percentile, in whole ms; null for no values. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
