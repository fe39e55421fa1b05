// Load and latency phases against one running target: autocannon for non-streamed requests, undici for streams.
// Every phase counts non-2xx, transport errors and wrong bodies as errors, and only verified 2xx count as served.
import autocannon, { type AutocannonResult } from 'autocannon';
import { Agent, request } from 'undici';
import { processCpuMicros } from './proc.js';
import type { Target } from './targets.js';
import { BENCH_ANSWER, BENCH_MODEL } from './upstream.js';

export interface LoadOptions {
  /** Connections of the throughput phase. */
  connections: number;
  warmupS: number;
  throughputS: number;
  /** Duration of each latency phase (1 and 10 connections). */
  latencyS: number;
  /** Sequential streamed requests measured (after `streamWarmup` unmeasured ones). */
  streams: number;
  /**
   * Unmeasured streams first: the streamed path warms up apart from the plain requests before it, and 20 warm-up
   * streams read the added time to first chunk 3× what 2,000 do (docs/BENCHMARKS.md, "The time to the first chunk,
   * stage by stage").
   */
  streamWarmup: number;
  /** Content chunks the upstream sends per stream (to check they all arrive). */
  streamChunks: number;
}

export const FULL_LOAD: LoadOptions = {
  connections: 50,
  warmupS: 5,
  throughputS: 10,
  latencyS: 5,
  streams: 200,
  streamWarmup: 1_000,
  streamChunks: 20,
};
export const QUICK_LOAD: LoadOptions = {
  connections: 50,
  warmupS: 1,
  throughputS: 3,
  latencyS: 2,
  streams: 40,
  streamWarmup: 200,
  streamChunks: 20,
};

/** One autocannon phase. Latencies are ms with µs resolution (autocannon's own histogram rounds to whole ms). */
export interface PhaseResult {
  connections: number;
  durationS: number;
  /** Verified 2xx responses. */
  ok: number;
  /** non-2xx + transport errors/timeouts + 2xx with an unexpected body. */
  errors: number;
  statusCodes: Record<string, number>;
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Target CPU (user + system) per request handled, µs: CPU until the target is idle again, divided by the
   * responses or, when more, the requests the upstream received (requests cut off at the end still get processed).
   */
  cpuUsPerReq: number;
}

export interface StreamResult {
  n: number;
  ok: number;
  errors: number;
  firstError?: string;
  ttfbP50Ms: number;
  ttfbP99Ms: number;
  totalP50Ms: number;
  totalP99Ms: number;
  cpuUsPerStream: number;
}

export interface TargetLoadResult {
  /** Chat requests the upstream received per verified response over a fixed count (1 = each forwarded once). */
  upstreamPerReq: number;
  throughput: PhaseResult;
  latency1: PhaseResult;
  latency10: PhaseResult;
  streams: StreamResult;
}

/** Nearest-rank percentile of unsorted values (NaN when empty). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

function chatBody(target: Target, stream: boolean): string {
  return JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 32,
    ...(stream ? { stream: true } : {}),
  });
}

function jsonHeaders(target: Target): Record<string, string> {
  return { ...target.headers, 'content-type': 'application/json' };
}

const isExpectedCompletion = (body: string): boolean => body.includes(BENCH_ANSWER);

async function upstreamChats(target: Target): Promise<number> {
  return (await target.upstream.stats()).chat;
}

/**
 * The upstream's chat count once it stops moving: a slow gateway is still forwarding requests whose clients
 * left when the previous phase ended. Waits at most 10 s.
 */
async function settledUpstreamChats(target: Target): Promise<number> {
  let last = await upstreamChats(target);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await upstreamChats(target);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Runs autocannon for `durationS` at `connections` (or for exactly `amount` requests), measuring the target's CPU. */
export async function runPhase(
  target: Target,
  connections: number,
  durationS: number,
  amount?: number,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const up0 = await upstreamChats(target);
  const cpu0 = processCpuMicros(target.pid);
  const instance = autocannon({
    url: `${target.origin}${target.chatPath}`,
    method: 'POST',
    headers: jsonHeaders(target),
    body: chatBody(target, false),
    connections,
    ...(amount ? { amount } : { duration: durationS }),
    timeout: 10,
    verifyBody: isExpectedCompletion,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const res: AutocannonResult = await instance;
  // A timed phase ends with requests in flight that the target still processes: count their CPU and them.
  const forwarded = (await settledUpstreamChats(target)) - up0;
  const cpu = processCpuMicros(target.pid) - cpu0;
  const responses = res['2xx'] + res.non2xx;
  const handled = Math.max(responses, forwarded);
  const ok = Math.max(0, res['2xx'] - res.mismatches);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(res.statusCodeStats)) statusCodes[code] = count;
  return {
    connections,
    durationS: res.duration,
    ok,
    errors: res.non2xx + res.errors + res.mismatches,
    statusCodes,
    okPerSec: ok / res.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuUsPerReq: handled > 0 ? cpu / handled : Number.NaN,
  };
}

/**
 * Upstream calls per verified response over exactly `n` requests (a timed phase ends with requests in flight,
 * which would skew the ratio): 1 means every request was forwarded once; below 1, answers came from elsewhere
 * (a cache); above 1, retries.
 */
export async function forwardingRatio(target: Target, n: number): Promise<number> {
  const up0 = await upstreamChats(target);
  const phase = await runPhase(target, 10, 0, n);
  const up = (await upstreamChats(target)) - up0;
  return phase.ok > 0 ? up / phase.ok : 0;
}

/** One streamed request: time to the first body byte and to the end, and whether the whole stream arrived. */
async function oneStream(
  target: Target,
  dispatcher: Agent,
  chunks: number,
): Promise<{ ttfbMs: number; totalMs: number; error?: string }> {
  const t0 = performance.now();
  const { statusCode, body } = await request(`${target.origin}${target.chatPath}`, {
    method: 'POST',
    headers: jsonHeaders(target),
    body: chatBody(target, true),
    dispatcher,
  });
  let ttfbMs = Number.NaN;
  let text = '';
  for await (const chunk of body) {
    if (Number.isNaN(ttfbMs)) ttfbMs = performance.now() - t0;
    text += (chunk as Buffer).toString('utf8');
  }
  const totalMs = performance.now() - t0;
  if (statusCode !== 200) return { ttfbMs, totalMs, error: `HTTP ${statusCode}: ${text.slice(0, 200)}` };
  const tokens = text.split('tok ').length - 1;
  if (!text.includes('[DONE]') || tokens !== chunks) {
    return {
      ttfbMs,
      totalMs,
      error: `incomplete stream (${tokens}/${chunks} chunks, [DONE] ${text.includes('[DONE]')})`,
    };
  }
  return { ttfbMs, totalMs };
}

/** N sequential streamed requests over one keep-alive connection, after `warmup` unmeasured ones. */
export async function runStreams(target: Target, n: number, chunks: number, warmup: number): Promise<StreamResult> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const ttfb: number[] = [];
  const total: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const record = (r: { ttfbMs: number; totalMs: number; error?: string }): void => {
    if (r.error) {
      errors++;
      firstError ??= r.error;
    } else {
      ttfb.push(r.ttfbMs);
      total.push(r.totalMs);
    }
  };
  try {
    for (let i = 0; i < warmup; i++) await oneStream(target, dispatcher, chunks).catch(() => undefined);
    const cpu0 = processCpuMicros(target.pid);
    for (let i = 0; i < n; i++) {
      record(
        await oneStream(target, dispatcher, chunks).catch((err: Error) => ({
          ttfbMs: 0,
          totalMs: 0,
          error: err.message,
        })),
      );
    }
    const cpu = processCpuMicros(target.pid) - cpu0;
    return {
      n,
      ok: ttfb.length,
      errors,
      ...(firstError ? { firstError } : {}),
      ttfbP50Ms: percentile(ttfb, 50),
      ttfbP99Ms: percentile(ttfb, 99),
      totalP50Ms: percentile(total, 50),
      totalP99Ms: percentile(total, 99),
      cpuUsPerStream: cpu / n,
    };
  } finally {
    await dispatcher.close();
  }
}

/** One request of each kind before any load: returns what is wrong (empty when the target works). */
export async function preflight(target: Target, chunks: number): Promise<string[]> {
  const problems: string[] = [];
  const before = await target.upstream.stats();
  try {
    const res = await fetch(`${target.origin}${target.chatPath}`, {
      method: 'POST',
      headers: jsonHeaders(target),
      body: chatBody(target, false),
    });
    const text = await res.text();
    if (res.status !== 200 || !isExpectedCompletion(text))
      problems.push(`chat: HTTP ${res.status} ${text.slice(0, 200)}`);
  } catch (err) {
    problems.push(`chat: ${(err as Error).message}`);
  }
  const dispatcher = new Agent({ connections: 1 });
  try {
    const r = await oneStream(target, dispatcher, chunks);
    if (r.error) problems.push(`stream: ${r.error}`);
  } catch (err) {
    problems.push(`stream: ${(err as Error).message}`);
  } finally {
    await dispatcher.close();
  }
  const after = await target.upstream.stats();
  const forwarded = after.chat - before.chat;
  if (forwarded < 2) problems.push(`the upstream saw ${forwarded} of 2 requests: the target did not forward them`);
  if (after.authorized - before.authorized < forwarded)
    problems.push('the upstream did not get `Bearer bench-key` on every request');
  if (forwarded > 0 && after.lastModel !== BENCH_MODEL)
    problems.push(`the upstream got model ${JSON.stringify(after.lastModel)}`);
  return problems;
}

/** All phases against one target, in order: warm-up, throughput, latency at 1 and 10 connections, streams. */
export async function runTargetLoad(
  target: Target,
  opts: LoadOptions,
  log: (line: string) => void = () => undefined,
): Promise<TargetLoadResult> {
  log(`  warm-up ${opts.warmupS}s @${opts.connections}`);
  await runPhase(target, opts.connections, opts.warmupS);
  const upstreamPerReq = await forwardingRatio(target, 200);
  log(`  upstream calls per request: ${upstreamPerReq.toFixed(2)}`);
  // Phases leave the target idle when they return (runPhase waits for the upstream count to settle).
  const throughput = await runPhase(target, opts.connections, opts.throughputS);
  log(
    `  throughput: ${throughput.okPerSec.toFixed(0)} ok/s, ${throughput.errors} errors, ${throughput.cpuUsPerReq.toFixed(0)} µs CPU/req`,
  );
  const latency1 = await runPhase(target, 1, opts.latencyS);
  log(`  latency @1: p50 ${latency1.p50Ms.toFixed(3)} ms, p99 ${latency1.p99Ms.toFixed(3)} ms`);
  const latency10 = await runPhase(target, 10, opts.latencyS);
  log(`  latency @10: p50 ${latency10.p50Ms.toFixed(3)} ms, p99 ${latency10.p99Ms.toFixed(3)} ms`);
  const streams = await runStreams(target, opts.streams, opts.streamChunks, opts.streamWarmup);
  log(
    `  streams: ${streams.ok}/${streams.n} ok, TTFB p50 ${streams.ttfbP50Ms.toFixed(3)} ms${streams.firstError ? `, first error: ${streams.firstError}` : ''}`,
  );
  return { upstreamPerReq, throughput, latency1, latency10, streams };
}
