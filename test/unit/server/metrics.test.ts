// The gateway's Prometheus metrics, scraped over HTTP from a real express app and parsed strictly.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { Router } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type Metrics } from '../../../src/server/metrics.js';
import { metricsRoutes } from '../../../src/server/routes/metrics.js';
import type { UsageRecord } from '../../../src/storage/types.js';
import { parsePrometheusText, type Exposition } from '../../helpers/prometheus-text.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** An app with the middleware, /metrics, a parameterised route, a prefixed router and a route that never ends. */
async function start(metrics: Metrics): Promise<string> {
  const app = express();
  app.use(metrics.httpMiddleware());
  app.use(metricsRoutes(metrics));
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  const admin = Router();
  admin.get('/keys/:keyId', (_req, res) => {
    res.status(204).end();
  });
  app.use('/admin', admin);
  app.get('/hang', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {}\n\n');
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function scrape(base: string): Promise<Exposition> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

const call = (over: Partial<UsageRecord>): UsageRecord => ({
  ts: 1,
  provider: 'groq',
  model: 'groq/llama-3.3-70b',
  promptTokens: 100,
  completionTokens: 20,
  costUsd: 0.001,
  latencyMs: 1500,
  status: 'ok',
  ...over,
});

describe('createMetrics over HTTP', () => {
  it('counts requests by route pattern, never by raw path', async () => {
    const metrics = createMetrics();
    const base = await start(metrics);
    for (const id of ['42', '43', 'x%20y']) expect((await fetch(`${base}/items/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/admin/keys/k1`)).status).toBe(204);
    expect((await fetch(`${base}/no/such/path/7`)).status).toBe(404);
    const text = await (await fetch(`${base}/metrics`)).text();
    const exp = parsePrometheusText(text);
    expect(exp.value('switchboard_http_requests_total', { method: 'GET', route: '/items/:id', status: '200' })).toBe(3);
    expect(exp.value('switchboard_http_requests_total', { route: '/admin/keys/:keyId', status: '204' })).toBe(1);
    expect(exp.value('switchboard_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(exp.value('switchboard_http_request_duration_seconds_count', { method: 'GET', route: '/items/:id' })).toBe(
      3,
    );
    const routes = new Set(exp.samples('switchboard_http_requests_total').map((s) => s.labels['route']));
    expect(routes).toEqual(new Set(['/items/:id', '/admin/keys/:keyId', 'unmatched']));
    expect(text).not.toMatch(/\/items\/4[23]|x%20y|\/no\/such/);
  });

  it('serves the registry content type, and Node default metrics under the switchboard_ prefix', async () => {
    const metrics = createMetrics();
    const base = await start(metrics);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    const exp = parsePrometheusText(await res.text());
    expect(exp.families.get('switchboard_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(exp.families.get('switchboard_nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    for (const name of exp.families.keys()) expect(name).toMatch(/^switchboard_/);
  });

  it('records a client that leaves mid-response as 499', async () => {
    const metrics = createMetrics();
    const base = await start(metrics);
    const controller = new AbortController();
    const res = await fetch(`${base}/hang`, { signal: controller.signal });
    expect(res.status).toBe(200);
    controller.abort();
    await vi.waitFor(
      async () => {
        expect((await scrape(base)).value('switchboard_http_requests_total', { route: '/hang' })).toBe(1);
      },
      { timeout: 10_000 },
    );
    expect(
      (await scrape(base)).samples('switchboard_http_requests_total', { route: '/hang' })[0]?.labels['status'],
    ).toBe('499');
  });

  it('counts upstream calls, tokens, cost, latency and TTFT as recorded', async () => {
    const metrics = createMetrics();
    metrics.recordCall(call({}));
    metrics.recordCall(call({ promptTokens: 50, completionTokens: 5, costUsd: 0.0005, latencyMs: 400, ttftMs: 120 }));
    metrics.recordCall(
      call({ status: 'error', error: 'rate_limit', promptTokens: 0, completionTokens: 0, costUsd: 0, latencyMs: 30 }),
    );
    metrics.recordCall(
      call({ provider: 'gemini', model: 'gemini/gemini-2.5-flash', promptTokens: 7, completionTokens: 3, costUsd: 0 }),
    );
    const exp = await scrape(await start(metrics));
    const groq = { provider: 'groq', model: 'groq/llama-3.3-70b' };
    expect(exp.value('switchboard_upstream_calls_total', { ...groq, status: 'ok', error: '' })).toBe(2);
    expect(exp.value('switchboard_upstream_calls_total', { ...groq, status: 'error', error: 'rate_limit' })).toBe(1);
    expect(exp.value('switchboard_tokens_total', { ...groq, type: 'prompt' })).toBe(150);
    expect(exp.value('switchboard_tokens_total', { ...groq, type: 'completion' })).toBe(25);
    expect(exp.value('switchboard_tokens_total', { provider: 'gemini', type: 'completion' })).toBe(3);
    expect(exp.value('switchboard_cost_usd_total', groq)).toBeCloseTo(0.0015, 10);
    // The failed call is not in the latency histogram.
    expect(exp.value('switchboard_upstream_latency_seconds_count', groq)).toBe(2);
    expect(exp.value('switchboard_upstream_latency_seconds_sum', groq)).toBeCloseTo(1.9, 10);
    expect(exp.value('switchboard_upstream_latency_seconds_bucket', { ...groq, le: '0.5' })).toBe(1);
    expect(exp.value('switchboard_upstream_latency_seconds_bucket', { ...groq, le: '+Inf' })).toBe(2);
    expect(exp.value('switchboard_upstream_ttft_seconds_count', groq)).toBe(1);
    expect(exp.value('switchboard_upstream_ttft_seconds_sum', groq)).toBeCloseTo(0.12, 10);
  });

  it('counts cache hits and misses', async () => {
    const metrics = createMetrics();
    metrics.recordCache(true);
    metrics.recordCache(false);
    metrics.recordCache(false);
    const exp = await scrape(await start(metrics));
    expect(exp.value('switchboard_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(exp.value('switchboard_cache_requests_total', { result: 'miss' })).toBe(2);
  });

  it('fills key and circuit gauges from the sources at each scrape, dropping series that are gone', async () => {
    const metrics = createMetrics();
    const base = await start(metrics);
    let keys = [
      { provider: 'groq', status: 'active', count: 2 },
      { provider: 'groq', status: 'cooling', count: 1 },
    ];
    let circuits: Array<{ provider: string; state: 'closed' | 'half_open' | 'open' }> = [
      { provider: 'groq', state: 'open' },
      { provider: 'gemini', state: 'half_open' },
      { provider: 'mistral', state: 'closed' },
    ];
    metrics.setGaugeSources({ keys: () => keys, circuits: () => circuits });
    let exp = await scrape(base);
    expect(exp.value('switchboard_provider_keys', { provider: 'groq', status: 'active' })).toBe(2);
    expect(exp.value('switchboard_provider_keys', { provider: 'groq', status: 'cooling' })).toBe(1);
    expect(exp.value('switchboard_circuit_state', { provider: 'groq' })).toBe(2);
    expect(exp.value('switchboard_circuit_state', { provider: 'gemini' })).toBe(1);
    expect(exp.value('switchboard_circuit_state', { provider: 'mistral' })).toBe(0);
    keys = [{ provider: 'groq', status: 'active', count: 3 }];
    circuits = [{ provider: 'groq', state: 'closed' }];
    exp = await scrape(base);
    expect(exp.value('switchboard_provider_keys', { provider: 'groq', status: 'active' })).toBe(3);
    expect(exp.value('switchboard_provider_keys', { status: 'cooling' })).toBeUndefined();
    expect(exp.value('switchboard_circuit_state', { provider: 'groq' })).toBe(0);
    expect(exp.value('switchboard_circuit_state', { provider: 'gemini' })).toBeUndefined();
  });

  it('keeps a scrape working when a gauge source throws', async () => {
    const metrics = createMetrics();
    metrics.recordCache(true);
    metrics.setGaugeSources({
      keys: () => {
        throw new Error('vault down');
      },
    });
    const exp = await scrape(await start(metrics));
    expect(exp.samples('switchboard_provider_keys')).toEqual([]);
    expect(exp.value('switchboard_cache_requests_total', { result: 'hit' })).toBe(1);
  });

  it('gives two gateways in one process separate values', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.recordCall(call({}));
    a.recordCache(true);
    b.recordCache(true);
    b.recordCache(true);
    const [expA, expB] = [await scrape(await start(a)), await scrape(await start(b))];
    expect(expA.value('switchboard_upstream_calls_total', { provider: 'groq' })).toBe(1);
    expect(expB.value('switchboard_upstream_calls_total', { provider: 'groq' })).toBeUndefined();
    expect(expA.value('switchboard_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(expB.value('switchboard_cache_requests_total', { result: 'hit' })).toBe(2);
    expect(a.registry).not.toBe(b.registry);
  });
});

describe('parsePrometheusText (the test helper)', () => {
  const ok = '# HELP x_total Things.\n# TYPE x_total counter\nx_total{a="1",b="q\\"uote"} 3\n';

  it('reads labels and values of a valid exposition', () => {
    const exp = parsePrometheusText(ok);
    expect(exp.samples('x_total')).toEqual([{ name: 'x_total', labels: { a: '1', b: 'q"uote' }, value: 3 }]);
  });

  it.each([
    ['a sample without HELP', '# TYPE x_total counter\nx_total 1\n'],
    ['a sample without TYPE', '# HELP x_total Things.\nx_total 1\n'],
    ['a sample of an undeclared family', `${ok}y_total 1\n`],
    ['a malformed line', `${ok}x_total{a=1} 1\n`],
    ['a value that is no number', `${ok}x_total{a="2"} one\n`],
    ['a histogram bucket without le', '# HELP h H.\n# TYPE h histogram\nh_bucket{a="1"} 1\n'],
  ])('rejects %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
