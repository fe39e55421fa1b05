// Prometheus metrics of one gateway: HTTP traffic, upstream calls, tokens, cost, cache, and key/circuit/load gauges.
import type { Request, RequestHandler } from 'express';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { UsageRecord } from '../storage/types.js';
import { counterTally, histogramTally } from './tally.js';

/** A circuit breaker's state, as the `switchboard_circuit_state` gauge encodes it (0, 1, 2). */
export type CircuitState = 'closed' | 'half_open' | 'open';

/** Where the scrape-time gauges read their values; each callback runs on every scrape. */
export interface GaugeSources {
  /** How many keys each provider has in each status (e.g. active, cooling, disabled). */
  keys?: () => Array<{ provider: string; status: string; count: number }>;
  /** Each provider's circuit breaker state. */
  circuits?: () => Array<{ provider: string; state: CircuitState }>;
  /** Each provider's calls in flight and calls waiting for a slot under its concurrency cap. */
  load?: () => Array<{ provider: string; inFlight: number; waiting: number }>;
}

/** The metrics of one gateway instance, in a registry of its own. */
export interface Metrics {
  /** This gateway's registry (never prom-client's global one, so several gateways can share a process). */
  readonly registry: Registry;
  /** Counts every HTTP request and times it, labelled by the express route pattern (or `unmatched`). */
  httpMiddleware(): RequestHandler;
  /** Records one upstream call: its outcome, latency, time to first token, tokens and cost. */
  recordCall(record: UsageRecord): void;
  /** Counts a response cache lookup. */
  recordCache(hit: boolean): void;
  /** Sets (or replaces) the callbacks that fill the key and circuit gauges at scrape time. */
  setGaugeSources(sources: GaugeSources): void;
}

/** An upstream call takes from tens of ms (a cached 429) to minutes (a long generation by a slow free model). */
const UPSTREAM_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];
/** Time to first token: mostly 100 ms to a few seconds; the tail is queueing on busy free tiers. */
const TTFT_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30];
/** HTTP requests: /health and /metrics take ms, chat streams can last minutes. */
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };
/** nginx's "client closed request": the client went away before the response was finished. */
const CLIENT_CLOSED = '499';

/** Builds a gateway's metrics in a new registry, with Node's default process metrics under `switchboard_`. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const registers = [registry];
  // Per-request metrics are tallied as plain numbers and read by prom-client at scrape time (tally.ts).
  const httpRequests = counterTally({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests served, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpDuration = histogramTally({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration, from arrival to the end of the response (whole streams included)',
    labelNames: ['method', 'route'],
    buckets: HTTP_DURATION_BUCKETS,
    registers,
  });
  const calls = counterTally({
    name: 'switchboard_upstream_calls_total',
    help: 'Upstream provider calls, by outcome and failure kind (the failure policy of docs/ROUTING.md)',
    labelNames: ['provider', 'model', 'status', 'error'],
    registers,
  });
  const latency = histogramTally({
    name: 'switchboard_upstream_latency_seconds',
    help: 'Duration of successful upstream calls',
    labelNames: ['provider', 'model'],
    buckets: UPSTREAM_LATENCY_BUCKETS,
    registers,
  });
  const ttft = histogramTally({
    name: 'switchboard_upstream_ttft_seconds',
    help: 'Time to the first streamed content of upstream calls',
    labelNames: ['provider', 'model'],
    buckets: TTFT_BUCKETS,
    registers,
  });
  const tokens = counterTally({
    name: 'switchboard_tokens_total',
    help: 'Tokens reported by upstream providers, by type (prompt or completion)',
    labelNames: ['provider', 'model', 'type'],
    registers,
  });
  const cost = counterTally({
    name: 'switchboard_cost_usd_total',
    help: 'Estimated cost of upstream calls in US dollars, from the catalog prices',
    labelNames: ['provider', 'model'],
    registers,
  });
  const cache = counterTally({
    name: 'switchboard_cache_requests_total',
    help: 'Response cache lookups, by result (hit or miss)',
    labelNames: ['result'],
    registers,
  });
  let sources: GaugeSources = {};
  new Gauge({
    name: 'switchboard_provider_keys',
    help: 'Provider keys, by provider and status',
    labelNames: ['provider', 'status'] as const,
    registers,
    collect() {
      // Reset first: a status that no longer has keys must vanish rather than keep its last count.
      this.reset();
      for (const row of readSource(sources.keys)) this.inc({ provider: row.provider, status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'switchboard_circuit_state',
    help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'] as const,
    registers,
    collect() {
      this.reset();
      for (const row of readSource(sources.circuits)) this.set({ provider: row.provider }, CIRCUIT_VALUE[row.state]);
    },
  });
  new Gauge({
    name: 'switchboard_provider_requests',
    help: 'Upstream calls per provider on this instance: in_flight, or waiting for a slot under its concurrency cap',
    labelNames: ['provider', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const row of readSource(sources.load)) {
        this.set({ provider: row.provider, state: 'in_flight' }, row.inFlight);
        this.set({ provider: row.provider, state: 'waiting' }, row.waiting);
      }
    },
  });

  return {
    registry,
    httpMiddleware: () => (req, res, next) => {
      const started = process.hrtime.bigint();
      let recorded = false;
      const record = () => {
        if (recorded) return;
        recorded = true;
        const { method = '' } = req;
        const route = routeLabel(req);
        const status = res.writableFinished ? statusLabel(res.statusCode) : CLIENT_CLOSED;
        httpRequests.add(1, method, route, status);
        httpDuration.add(Number(process.hrtime.bigint() - started) / 1e9, method, route);
      };
      // 'finish' when the response was sent; 'close' alone when the client left first (an aborted stream). `on`, not
      // `once`: `recorded` already makes the second a no-op, and `once` would wrap each listener per request.
      res.on('finish', record);
      res.on('close', record);
      next();
    },
    recordCall(record) {
      const { provider, model, status } = record;
      const error = status === 'error' ? (record.error ?? 'unknown') : '';
      calls.add(1, provider, model, status, error);
      // Failed calls are left out of latency: a fast 429 or a slow timeout says nothing about the model's speed.
      if (status === 'ok') latency.add(record.latencyMs / 1000, provider, model);
      if (record.ttftMs !== undefined) ttft.add(record.ttftMs / 1000, provider, model);
      tokens.add(nonNegative(record.promptTokens), provider, model, 'prompt');
      tokens.add(nonNegative(record.completionTokens), provider, model, 'completion');
      cost.add(nonNegative(record.costUsd), provider, model);
    },
    recordCache(hit) {
      cache.add(1, hit ? 'hit' : 'miss');
    },
    setGaugeSources(next) {
      sources = { ...next };
    },
  };
}

/**
 * The matched route's pattern (`/v1/models/*id`), never the raw path: raw paths would make one series per URL a
 * client invents. `req.baseUrl` adds the mount path of a router mounted under a prefix while the request is still
 * in it; after an error leaves that router, express has already restored it, so only the inner pattern remains.
 */
function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route === undefined || route.path === undefined) return 'unmatched';
  return `${req.baseUrl}${String(route.path)}`;
}

/** Status codes as label values, made once each (a number turned to a string is a new string every time). */
const STATUS_LABELS = new Map<number, string>();
function statusLabel(code: number): string {
  let label = STATUS_LABELS.get(code);
  if (label === undefined) STATUS_LABELS.set(code, (label = String(code)));
  return label;
}

/** A source that throws empties its gauge instead of failing the whole scrape. */
function readSource<T>(source: (() => T[]) | undefined): T[] {
  if (source === undefined) return [];
  try {
    return source();
  } catch {
    return [];
  }
}

/** Counters throw on negative or non-finite increments; accounting must never break a request. */
function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
