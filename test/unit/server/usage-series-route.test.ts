// GET /v1/usage/series on a real port: a range cut into UTC minutes, hours or days (hours and days from the rollups,
// minutes from the records), empty buckets as zeros, saved_usd per bucket, a client's own calls only, and the limits.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/accounts/types.js';
import { errorHandler, unknownRoute } from '../../../src/server/middleware/errors.js';
import { usageRoutes } from '../../../src/server/routes/usage.js';
import { createMemoryUsageStore } from '../../../src/storage/memory/usage.js';
import type { UsageRecord } from '../../../src/storage/types.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** 12:30 UTC: ranges that end now start mid-hour. */
const NOW = Date.UTC(2025, 5, 15, 12, 30, 0);
const callers: Record<string, Caller> = {
  alice: { kind: 'client', client: { id: 'alice', name: 'alice', createdAt: 0 } },
};

const record = (ts: number, overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  ts,
  provider: 'groq',
  model: 'groq/free',
  promptTokens: 1_000,
  completionTokens: 500,
  costUsd: 0,
  latencyMs: 100,
  status: 'ok',
  ...overrides,
});

let server: Server;
let base: string;

beforeAll(async () => {
  // Records are kept 2 hours, the rollups longer: a call 5 hours ago is only in the hourly and daily sums.
  const usage = createMemoryUsageStore({ retentionMs: 2 * HOUR, maxRecords: 1_000 }, () => NOW);
  usage.append(record(NOW - 5 * HOUR, { runId: 'old', clientId: 'alice' }));
  usage.append(record(NOW - 50 * MINUTE, { provider: 'mistral', model: 'mistral/small', costUsd: 0.01 }));
  usage.append(record(NOW - 10 * MINUTE - 1, { clientId: 'alice' }));
  usage.append(record(NOW - 10 * MINUTE + 1, { clientId: 'bob' }));
  const app = express();
  app.use((req, res, next) => {
    const name = req.get('x-test-caller');
    res.locals['caller'] = name === undefined ? { kind: 'admin' } : callers[name];
    next();
  });
  // groq/free costs nothing but lists at 1 and 2 USD per million; mistral/small has no list price.
  const prices: Record<string, { input: number; output: number }> = { 'groq/free': { input: 1, output: 2 } };
  app.use(usageRoutes({ usage, now: () => NOW, priceOf: (model) => prices[model] }));
  app.use(unknownRoute);
  app.use(errorHandler(pino({ level: 'silent' })));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface Bucket {
  start: string;
  totals: Record<string, number>;
  groups: Array<{ key: string; requests: number }>;
}

async function series(query: string, caller?: string) {
  const res = await fetch(
    `${base}/v1/usage/series${query}`,
    caller === undefined ? {} : { headers: { 'x-test-caller': caller } },
  );
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
/** Each non-empty bucket as [its start's HH:MM, its requests]. */
const busy = (buckets: Bucket[]) =>
  buckets.filter((b) => b.totals['requests']! > 0).map((b) => [b.start.slice(11, 16), b.totals['requests']]);

describe('GET /v1/usage/series', () => {
  it('cuts the last 24 hours into hours by default, the first bucket starting on the hour', async () => {
    const { status, body } = await series('');
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'usage.series', bucket: 'hour', group_by: 'provider' });
    const buckets = body['buckets'] as Bucket[];
    // 12:30 yesterday to 12:30 today touches 25 hours.
    expect(buckets).toHaveLength(25);
    expect(buckets[0]!.start).toBe('2025-06-14T12:00:00.000Z');
    expect(buckets[24]!.start).toBe('2025-06-15T12:00:00.000Z');
    // The call of 07:30 is past the records' retention: the hourly rollup still counts it.
    expect(busy(buckets)).toEqual([
      ['07:00', 1],
      ['11:00', 1],
      ['12:00', 2],
    ]);
    expect(buckets[5]!.totals).toMatchObject({ requests: 0, total_tokens: 0, saved_usd: 0 });
    expect(buckets[5]!.groups).toEqual([]);
    expect(body['totals']).toMatchObject({ requests: 4, total_tokens: 6_000 });
  });

  it('cuts an hour into minutes from the records, each call in its minute', async () => {
    const { body } = await series(`?from=${NOW - HOUR}&to=${NOW}&group_by=model`);
    expect(body['bucket']).toBe('minute');
    const buckets = body['buckets'] as Bucket[];
    expect(buckets).toHaveLength(61);
    expect(busy(buckets)).toEqual([
      ['11:40', 1],
      ['12:19', 1],
      ['12:20', 1],
    ]);
    expect(buckets.find((b) => b.start.endsWith('11:40:00.000Z'))!.groups).toEqual([
      expect.objectContaining({ key: 'mistral/small', requests: 1 }),
    ]);
  });

  it('counts saved_usd per bucket against the list prices, and the unpriced calls', async () => {
    const { body } = await series(`?from=${NOW - HOUR}&to=${NOW}&bucket=hour`);
    const buckets = body['buckets'] as Bucket[];
    expect(buckets.map((b) => b.start.slice(11, 16))).toEqual(['11:00', '12:00']);
    // Two groq/free calls of 1,000 prompt and 500 completion tokens: 0.002 USD each at the list price, free here.
    expect(buckets[1]!.totals).toMatchObject({ requests: 2, cost_usd: 0, saved_usd: 0.004, unpriced_requests: 0 });
    expect(buckets[0]!.totals).toMatchObject({ requests: 1, cost_usd: 0.01, saved_usd: 0, unpriced_requests: 1 });
    expect(body['totals']).toMatchObject({ saved_usd: 0.004, unpriced_requests: 1 });
  });

  it('cuts days into UTC days', async () => {
    const { body } = await series('?from=2025-06-13&to=2025-06-15T23:59:59.999Z&bucket=day');
    expect((body['buckets'] as Bucket[]).map((b) => [b.start.slice(0, 10), b.totals['requests']])).toEqual([
      ['2025-06-13', 0],
      ['2025-06-14', 0],
      ['2025-06-15', 4],
    ]);
  });

  it('shows a client key only its own calls', async () => {
    const { body } = await series('?group_by=client', 'alice');
    expect(busy(body['buckets'] as Bucket[])).toEqual([
      ['07:00', 1],
      ['12:00', 1],
    ]);
    expect(body['groups']).toEqual([expect.objectContaining({ key: 'alice', requests: 2 })]);
  });

  it.each([
    ['?bucket=week', 'bucket'],
    ['?bucket=minute', 'bucket'],
    [`?from=0&to=${NOW}&bucket=day`, 'bucket'],
    ['?group_by=team', 'group_by'],
    ['?from=yesterday', 'from'],
  ])('answers %s with a 400 naming %s', async (query, param) => {
    const { status, body } = await series(query);
    expect(status).toBe(400);
    expect(body['error']).toMatchObject({ param, type: 'invalid_request_error' });
  });
});
