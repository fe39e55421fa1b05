// GET /v1/usage on a real port: ranges (ISO-8601 or epoch ms, default 24 h), grouping, bad parameters as OpenAI
// errors, and what each kind of caller may see.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/accounts/types.js';
import { errorHandler, unknownRoute } from '../../../src/server/middleware/errors.js';
import { usageRoutes } from '../../../src/server/routes/usage.js';
import { createMemoryUsageStore } from '../../../src/storage/memory/usage.js';
import type { UsageRecord } from '../../../src/storage/types.js';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const HOUR = 3_600_000;
/** mistral/small has a list price; groq/llama has none. */
const LIST_PRICES: Record<string, { input: number; output: number }> = { 'mistral/small': { input: 10, output: 20 } };
const client = (id: string): Caller => ({ kind: 'client', client: { id, name: id, createdAt: 0 } });
/** The caller each test asks to be, by the x-test-caller header (standing in for clientAuth). */
const callers: Record<string, Caller> = {
  admin: { kind: 'admin' },
  anonymous: { kind: 'anonymous' },
  alice: client('alice'),
  bob: client('bob'),
};

const record = (ts: number, overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  ts,
  provider: 'groq',
  model: 'groq/llama',
  promptTokens: 10,
  completionTokens: 5,
  costUsd: 0.001,
  latencyMs: 100,
  status: 'ok',
  ...overrides,
});

let server: Server;
let base: string;

let savedTz: string | undefined;

beforeAll(async () => {
  // A zone off UTC, so a time read in the server's zone rather than UTC would show.
  savedTz = process.env['TZ'];
  process.env['TZ'] = 'America/New_York';
  const usage = createMemoryUsageStore({ retentionMs: 30 * 24 * HOUR, maxRecords: 1_000 }, () => NOW);
  usage.append(record(NOW - 48 * HOUR, { clientId: 'alice', runId: 'two-days-ago' }));
  usage.append(
    record(NOW - 2 * HOUR, { clientId: 'alice', provider: 'mistral', model: 'mistral/small', promptTokens: 100 }),
  );
  usage.append(record(NOW - HOUR, { clientId: 'bob' }));
  usage.append(record(NOW - HOUR + 1, { keyId: 'k1', keyMasked: 'gsk_…abcd' }));
  usage.append(record(NOW + HOUR, { clientId: 'alice', runId: 'future' }));
  const app = express();
  app.use((req, res, next) => {
    const name = req.get('x-test-caller');
    if (name !== undefined) res.locals['caller'] = callers[name];
    next();
  });
  app.use(usageRoutes({ usage, now: () => NOW, priceOf: (model) => LIST_PRICES[model] }));
  app.use(unknownRoute);
  app.use(errorHandler(pino({ level: 'silent' })));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
  await new Promise((resolve) => server.close(resolve));
});

async function get(query: string, caller?: string) {
  const res = await fetch(
    `${base}/v1/usage${query}`,
    caller === undefined ? {} : { headers: { 'x-test-caller': caller } },
  );
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const keys = (body: Record<string, any>) =>
  (body['groups'] as Array<{ key: string; requests: number }>).map((g) => [g.key, g.requests]);

describe('GET /v1/usage', () => {
  it('reports the last 24 hours by provider by default, labelled with the range', async () => {
    const { status, body } = await get('');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      group_by: 'provider',
      from: '2025-06-14T12:00:00.000Z',
      to: '2025-06-15T12:00:00.000Z',
    });
    expect(body['totals']).toMatchObject({ requests: 3, prompt_tokens: 120, total_tokens: 135, cost_usd: 0.003 });
    expect(keys(body)).toEqual([
      ['mistral', 1],
      ['groq', 2],
    ]);
  });

  it('counts what the calls saved against the list prices, and the calls of models without one', async () => {
    const { body } = await get('?group_by=model');
    // mistral/small: 100 prompt and 5 completion tokens at 10 and 20 USD per million, less the 0.001 they cost.
    expect(body['totals']).toMatchObject({ saved_usd: 0.0001, unpriced_requests: 2 });
    expect(body['groups']).toEqual([
      expect.objectContaining({ key: 'mistral/small', saved_usd: 0.0001, unpriced_requests: 0 }),
      expect.objectContaining({ key: 'groq/llama', saved_usd: 0, unpriced_requests: 2 }),
    ]);
  });

  it('takes from and to as epoch milliseconds, both included', async () => {
    const { body } = await get(`?from=${NOW - 48 * HOUR}&to=${NOW - HOUR}`);
    expect(body['totals'].requests).toBe(3);
    expect((await get(`?from=${NOW - 48 * HOUR}&to=${NOW + HOUR}`)).body['totals'].requests).toBe(5);
  });

  it('takes ISO-8601 dates and times, a time without zone as UTC', async () => {
    expect((await get('?from=2025-06-13&to=2025-06-15T11:30:00Z')).body).toMatchObject({
      from: '2025-06-13T00:00:00.000Z',
      to: '2025-06-15T11:30:00.000Z',
      totals: { requests: 4 },
    });
    expect((await get('?from=2025-06-15T10:30&to=2025-06-15T13:00:00%2B01:00')).body).toMatchObject({
      from: '2025-06-15T10:30:00.000Z',
      to: '2025-06-15T12:00:00.000Z',
      totals: { requests: 2 },
    });
  });

  it('defaults from to 24 hours before a given to', async () => {
    expect((await get(`?to=${NOW - 30 * HOUR}`)).body).toMatchObject({
      from: '2025-06-13T06:00:00.000Z',
      totals: { requests: 1 },
    });
  });

  it('groups by model, key and client', async () => {
    expect(keys((await get('?group_by=model')).body)).toEqual([
      ['mistral/small', 1],
      ['groq/llama', 2],
    ]);
    expect(keys((await get('?group_by=key')).body)).toEqual([
      ['none', 2],
      ['gsk_…abcd (k1)', 1],
    ]);
    expect(keys((await get('?group_by=client')).body)).toEqual([
      ['alice', 1],
      ['anonymous', 1],
      ['bob', 1],
    ]);
  });

  it('shows a client key only its own calls, grouped however it asks', async () => {
    expect(keys((await get('?group_by=client', 'alice')).body)).toEqual([['alice', 1]]);
    expect(keys((await get('?group_by=provider', 'bob')).body)).toEqual([['groq', 1]]);
    expect((await get(`?from=0&to=${NOW + HOUR}`, 'alice')).body['totals'].requests).toBe(3);
  });

  it('shows the admin and an anonymous caller every call', async () => {
    for (const caller of ['admin', 'anonymous']) {
      expect(keys((await get('?group_by=client', caller)).body)).toEqual([
        ['alice', 1],
        ['anonymous', 1],
        ['bob', 1],
      ]);
    }
  });

  it.each([
    ['?group_by=team', 'group_by'],
    ['?group_by=provider&group_by=model', 'group_by'],
    ['?from=yesterday', 'from'],
    ['?from=2025-02-30', 'from'],
    ['?to=2025-06-15T25:00Z', 'to'],
    ['?to=-5', 'to'],
    ['?from=1e12', 'from'],
    ['?to=99999999999999999999', 'to'],
    ['?from=1&from=2', 'from'],
    [`?from=${NOW}&to=${NOW - 1}`, 'from'],
  ])('answers %s with a 400 naming %s', async (query, param) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: { message: expect.stringContaining(param), type: 'invalid_request_error', param, code: 'invalid_request' },
    });
  });
});
