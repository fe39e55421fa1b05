// The request log and usage rollups on SQLite (issue 12, parts 3 and 4): fills a million request rows, times
// GET /v1/requests' queries on them, what an append costs the request path and a tick, and /v1/usage over 90 days.
//
//   node --import tsx bench/request-log.ts [--rows=1000000] [--usage=300000] [--keep=DIR]
//
// The database goes to a temp directory (removed at the end unless --keep names one). Figures: docs/BENCHMARKS.md.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { summarizeUsage, summarizeUsageSums } from '../src/accounts/usage-report.js';
import { bucketSpans, summarizeUsageSeries } from '../src/accounts/usage-series.js';
import { requestView } from '../src/server/request-log/view.js';
import { DATABASE_FILE, openDatabase } from '../src/storage/sqlite/database.js';
import { createSqliteRequestLog } from '../src/storage/sqlite/requests.js';
import { createSqliteUsageStore } from '../src/storage/sqlite/usage.js';
import { createWriteBatcher } from '../src/storage/sqlite/write-batcher.js';
import type { RequestQuery, RequestRecord } from '../src/storage/types.js';
import { seededRandom } from '../src/routing/seeded-random.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROWS = Number(arg('rows') ?? 1_000_000);
const USAGE = Number(arg('usage') ?? 300_000);
const DAY = 86_400_000;
const logger = pino({ level: 'warn' });
const dir = arg('keep') ?? mkdtempSync(path.join(tmpdir(), 'sb-bench-requests-'));
const now = Date.now();

const next = seededRandom(7);
const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
const PROVIDERS = ['groq', 'cerebras', 'gemini', 'mistral', 'openrouter', 'github', 'nvidia', 'cohere'];
const MODELS = PROVIDERS.flatMap((p) => [1, 2, 3, 4].map((i) => `${p}/model-${i}`));
/** 20 clients; `c-rare` makes 0.1 % of the requests. */
const CLIENTS = [...Array(19).keys()].map((i) => `c-${i}`);

/** One row, `i` of `n`, spread over the last 29 days in order. */
function row(i: number, n: number): RequestRecord {
  const model = pick(MODELS);
  const roll = next();
  const status = roll < 0.97 ? 'ok' : roll < 0.995 ? 'error' : 'aborted';
  const httpStatus = status === 'error' ? pick([429, 429, 502, 503, 400]) : 200;
  return {
    ts: Math.floor(now - 29 * DAY + (i / n) * 29 * DAY),
    runId: `run_${i.toString(36)}`,
    route: 'chat',
    ...(next() < 0.9 ? { clientId: next() < 0.001 ? 'c-rare' : pick(CLIENTS) } : {}),
    modelAsked: 'auto',
    modelUsed: model,
    provider: model.split('/')[0]!,
    stream: next() < 0.5,
    status,
    httpStatus,
    attempts: [{ model, provider: model.split('/')[0]!, ms: Math.floor(next() * 2_000) }],
    latencyMs: Math.floor(next() * 3_000),
    promptTokens: Math.floor(next() * 2_000),
    completionTokens: Math.floor(next() * 500),
    costUsd: 0,
    cacheHit: false,
  };
}

/** Wall time and CPU time (user + system, µs: steadier than wall time on a shared machine) of `work`. */
function time<T>(work: () => T): { ms: number; cpuUs: number; value: T } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuUs: used.user + used.system, value };
}

async function timeAsync<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

async function main(): Promise<void> {
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  const batcher = createWriteBatcher(db, { logger, intervalMs: 60_000 });
  const store = createSqliteRequestLog(db, batcher, { retentionMs: 30 * DAY, maxRows: Math.max(1, ROWS), logger });
  console.log(
    `# request log on SQLite: ${ROWS.toLocaleString('en')} rows (${cpus()[0]?.model}, node ${process.version})`,
  );

  // Fill through the store, a tick of 10,000 rows at a time (real ticks hold about 100 ms of requests).
  const records = Array.from({ length: 10_000 }, (_, i) => row(i, ROWS));
  const append = time(() => records.forEach((record) => store.append(record)));
  const tick = time(() => batcher.flush());
  let filled = records.length;
  const fill = time(() => {
    while (filled < ROWS) {
      for (let k = 0; k < 10_000 && filled < ROWS; k += 1, filled += 1) store.append(row(filled, ROWS));
      batcher.flush();
    }
  });
  const mb = statSync(path.join(dir, DATABASE_FILE)).size / 1e6;
  const perRow = (cpuUs: number, n: number) => `${(cpuUs / n).toFixed(1)} µs CPU/row`;
  // A tick of 100 rows (about 100 ms at 1,000 requests/s) on the full table.
  const hundred = Array.from({ length: 100 }, (_, i) => row(ROWS - 100 + i, ROWS));
  hundred.forEach((record) => store.append(record));
  const small = time(() => batcher.flush());
  const line = logLineCost(records);
  console.log(`append (on the request path): ${perRow(append.cpuUs, records.length)}`);
  console.log(`the log line (pino, JSON, to a null stream): ${perRow(line, records.length)}`);
  console.log(`tick of 10,000 rows on an empty table (insert, indexes, trim): ${perRow(tick.cpuUs, records.length)}`);
  console.log(`tick of 100 rows on the full table: ${fmt(small.ms)} ms wall, ${perRow(small.cpuUs, 100)}`);
  console.log(
    `fill: ${(fill.ms / 1000).toFixed(1)} s (${perRow(fill.cpuUs, ROWS - records.length)}); database ${mb.toFixed(0)} MB`,
  );

  const middle = (await store.list({ limit: 1, before: String(Math.floor(ROWS / 2)) })).rows[0]!.id;
  const cases: Array<[string, Omit<RequestQuery, 'limit'>]> = [
    ['newest page', {}],
    ['a page half-way down (before)', { before: middle }],
    ['client (5 %)', { clientId: 'c-3' }],
    ['client (0.1 %)', { clientId: 'c-rare' }],
    ['model (3 %)', { model: MODELS[5]! }],
    ['provider (12 %)', { provider: 'gemini' }],
    ['status=error (2.5 %)', { status: 'error' }],
    ['status=503 (0.5 %)', { status: 503 }],
    ['client + model', { clientId: 'c-3', model: MODELS[5]! }],
    ['client + status=error', { clientId: 'c-3', status: 'error' }],
    ['client (0.1 %) + status=error', { clientId: 'c-rare', status: 'error' }],
    ['client (0.1 %) + model', { clientId: 'c-rare', model: MODELS[5]! }],
    ['model + status=503', { model: MODELS[5]!, status: 503 }],
    ['provider + model of another provider (no row)', { provider: 'gemini', model: MODELS[0]! }],
    ['model that never served', { model: 'none/none' }],
    ['since 15 minutes', { since: now - 15 * 60_000 }],
    ['since 24 hours', { since: now - DAY }],
    ['since 7 days', { since: now - 7 * DAY }],
    ['since 24 hours + client (0.1 %)', { since: now - DAY, clientId: 'c-rare' }],
    ['since 7 days + status=503', { since: now - 7 * DAY, status: 503 }],
  ];
  console.log('\n| query (limit 50) | rows | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|');
  for (const [label, filter] of cases) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 30; i += 1) {
      const { ms, value } = await timeAsync(() => store.list({ limit: 50, ...filter }));
      times.push(ms);
      rows = value.rows.length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `| ${label} | ${rows} | ${fmt(quantile(times, 0.5))} | ${fmt(quantile(times, 0.95))} | ${fmt(times.at(-1)!)} |`,
    );
  }
  db.close();
  console.log(`\n# usage: ${USAGE.toLocaleString('en')} calls over 90 days, records kept 30 days`);
  console.log(
    '\n| calls spread over | groups | daily rollup rows | 90 days from rollups, p50 ms | 30 days from records, p50 ms | series: 90 days of days, 7 days of hours, 1 hour of minutes, p50 ms |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const shape of SHAPES) await usageOver90Days(shape);
  if (arg('keep') === undefined) rmSync(dir, { recursive: true, force: true });
}

/** CPU µs of logging `records` as the request log does (its view, one info line each), to a stream that drops them. */
function logLineCost(records: RequestRecord[]): number {
  const sink = pino({ level: 'info' }, { write: () => undefined });
  return time(() => records.forEach((record) => sink.info(requestView(record), 'request'))).cpuUs;
}

/** A usage shape: which models, how many keys per provider and clients the calls spread over. */
interface UsageShape {
  label: string;
  models: string[];
  keys: number;
  clients: string[];
}

const SHAPES: UsageShape[] = [
  {
    label: 'small team: 4 models, 1 key each, 3 clients',
    models: MODELS.slice(0, 4),
    keys: 1,
    clients: CLIENTS.slice(0, 3),
  },
  {
    label: 'wide: 16 models, 2 keys each, 5 clients',
    models: MODELS.filter((_, i) => i % 2 === 0),
    keys: 2,
    clients: CLIENTS.slice(0, 5),
  },
];

/**
 * USAGE calls of `shape` over 90 days (records kept 30), in a database of their own; then /v1/usage's work over 90
 * days from the rollups, and over 30 days from the records as it was before them.
 */
async function usageOver90Days(shape: UsageShape): Promise<void> {
  const db = openDatabase(path.join(dir, `usage-${shape.keys}-${shape.models.length}.db`));
  const batcher = createWriteBatcher(db, { logger, intervalMs: 60_000 });
  const usage = createSqliteUsageStore(db, batcher, { retentionMs: 30 * DAY, maxRecords: 1_000_000, logger });
  for (let i = 0; i < USAGE; i += 1) {
    const model = pick(shape.models);
    const provider = model.split('/')[0]!;
    usage.append({
      ts: Math.floor(now - 90 * DAY + (i / USAGE) * 90 * DAY),
      provider,
      model,
      keyId: `${provider}-k${Math.floor(next() * shape.keys)}`,
      // 10 % of the calls without a client (auth off, the admin key).
      ...(next() < 0.9 ? { clientId: pick(shape.clients) } : {}),
      promptTokens: Math.floor(next() * 2_000),
      completionTokens: Math.floor(next() * 500),
      costUsd: 0,
      latencyMs: Math.floor(next() * 3_000),
      status: 'ok',
    });
    if (i % 10_000 === 9_999) batcher.flush();
  }
  await usage.flush();
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const days = count(`SELECT COUNT(*) FROM usage_rollups WHERE unit = ${DAY}`);
  const groups = (await usage.totals(0, now)).length;
  const p50 = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 15; i += 1) times.push((await timeAsync(work)).ms);
    return fmt(
      quantile(
        times.sort((a, b) => a - b),
        0.5,
      ),
    );
  };
  const rollups = await p50(async () => summarizeUsageSums(await usage.totals(now - 90 * DAY + 12_345, now), 'model'));
  const records = await p50(async () => summarizeUsage(await usage.query(now - 30 * DAY, now), 'model'));
  // GET /v1/usage/series's store reads: one totals() per hour or day bucket, one query() for minutes.
  const series = async (span: number, bucket: number) => {
    const from = now - span;
    const reads = bucketSpans(from, now, bucket).map((s) => usage.totals(s.start, s.end));
    return summarizeUsageSeries(bucketSpans(from, now, bucket), await Promise.all(reads), {
      groupBy: 'model',
      bucket: 'day',
      from,
      to: now,
      priceOf: () => undefined,
    });
  };
  const byDay = await p50(() => series(90 * DAY, DAY));
  const byHour = await p50(() => series(7 * DAY, 3_600_000));
  const byMinute = await p50(async () => usage.query(now - 3_600_000, now));
  console.log(
    `| ${shape.label} | ${groups} | ${days.toLocaleString('en')} | ${rollups} | ${records} | ${byDay}, ${byHour}, ${byMinute} |`,
  );
  db.close();
}

await main();
