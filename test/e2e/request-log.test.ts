// End to end, on SQLite and on Redis: every request of the chat, contextual chat and agent routes leaves one row in
// GET /v1/requests and one log line with the right fields; filters and cursor paging work; a client key sees only its
// own; no prompt or answer text anywhere unless content logging is on; /v1/usage over 90 days counts history that
// only the rollups still hold.
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicUpstream } from '../fakes/anthropic-wire.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith, tempDataDir } from './accounts-harness.js';
import { fakeModel, redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-request-log-e2e';
const DAY = 86_400_000;
const PRICES = { alpha: { input: 1, output: 2 }, beta: { input: 3, output: 5 } };

let alpha: FakeUpstream;
let beta: FakeUpstream;
beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startAnthropicUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha?.close(), beta?.close()]);
});

/** A gateway in front of alpha (quality 0.9: `auto` tries it first) and beta, whose log lines land in `lines`. */
async function gateway(env: Record<string, string>, lines: string[], extra: Record<string, unknown> = {}) {
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['sk-alpha-0001'],
      models: [fakeModel('alpha-chat', { quality: 0.9, costPer1M: PRICES.alpha })],
    },
    {
      id: 'beta',
      protocol: 'anthropic',
      baseUrl: beta.baseUrl,
      apiKeys: ['sk-beta-0002'],
      models: [fakeModel('beta-chat', { quality: 0.5, costPer1M: PRICES.beta })],
    },
  ];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  // `auto` and the agent must try alpha first even after alpha's planned 500: the bandit, learning from that failure, or
  // balanced's steering could put beta first, which has nothing queued for the agent.
  const routing = { bandit: { enabled: false }, complexity: { span: 0 } };
  return startTestGateway({ providers, routing, ...extra }, logger, { SWITCHBOARD_ADMIN_KEY: ADMIN, ...env });
}

/** A POST with a JSON body; answers the status, the run id header and the body. */
async function post(
  gw: TestGateway,
  route: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${gw.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, runId: res.headers.get('x-switchboard-run-id'), body: (await res.json()) as any };
}

const requests = async (gw: TestGateway, query: string, token = ADMIN) => {
  const { status, body } = await call(gw.url, 'GET', `/v1/requests${query}`, token);
  expect(status).toBe(200);
  return body as { object: string; data: Array<Record<string, any>>; has_more: boolean; next_before: string | null };
};
const infoLines = (lines: string[]) => lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');

describe.each([
  ['sqlite', () => ({ SWITCHBOARD_DATA_DIR: tempDataDir('request-log') })],
  ['redis', () => redisEnv('request-log')],
])('the request log on %s', (_backend, env) => {
  const lines: string[] = [];
  const made = {} as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H', string>;
  const clients = {} as Record<'one' | 'two', { id: string; key: string }>;
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await gateway(env(), lines, { requests: { retentionMs: 2 * DAY } });
    for (const name of ['one', 'two'] as const) {
      clients[name] = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name })).body as {
        id: string;
        key: string;
      };
    }
    const one = clientWith(gw.url, clients.one.key);
    const two = clientWith(gw.url, clients.two.key);
    const ask = (text: string) => [{ role: 'user' as const, content: text }];
    alpha.queue({ type: 'text', text: 'ANSWER-SECRET-A', usage: { prompt: 100, completion: 20 } });
    const a = await one.chat.completions
      .create({ model: 'alpha/alpha-chat', messages: ask('PROMPT-SECRET-A') })
      .withResponse();
    made.A = a.response.headers.get('x-switchboard-run-id')!;
    beta.queue({ type: 'text', text: 'ANSWER-SECRET-B streamed', usage: { prompt: 50, completion: 9 } });
    const b = await one.chat.completions
      .create({
        model: 'beta/beta-chat',
        messages: ask('PROMPT-SECRET-B'),
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    for await (const _chunk of b.data);
    made.B = b.response.headers.get('x-switchboard-run-id')!;
    alpha.queue({ type: 'error', status: 500, message: 'boom' });
    beta.queue({ type: 'text', text: 'ANSWER-SECRET-C', usage: { prompt: 30, completion: 6 } });
    const c = await two.chat.completions.create({ model: 'auto', messages: ask('PROMPT-SECRET-C') }).withResponse();
    made.C = c.response.headers.get('x-switchboard-run-id')!;
    const d = await post(gw, '/v1/chat/completions', clients.two.key, {
      model: 'nope/nothing',
      messages: ask('PROMPT-SECRET-D'),
    });
    expect(d.status).toBe(404);
    made.D = d.runId!;
    alpha.queue({ type: 'text', text: 'ANSWER-SECRET-E', usage: { prompt: 7, completion: 3 } });
    const cacheOn = { 'x-switchboard-cache': 'on' };
    const e = await post(
      gw,
      '/v1/chat/completions',
      clients.one.key,
      { model: 'alpha/alpha-chat', messages: ask('PROMPT-SECRET-E') },
      cacheOn,
    );
    const f = await post(
      gw,
      '/v1/chat/completions',
      clients.one.key,
      { model: 'alpha/alpha-chat', messages: ask('PROMPT-SECRET-E') },
      cacheOn,
    );
    [made.E, made.F] = [e.runId!, f.runId!];
    alpha.queue({ type: 'text', text: 'ANSWER-SECRET-G', usage: { prompt: 11, completion: 2 } });
    const g = await post(gw, '/v1/contextual_chat/completions', ADMIN, {
      prompt: 'PROMPT-SECRET-G',
      model: 'alpha/alpha-chat',
    });
    made.G = g.runId!;
    alpha.queue({ type: 'text', text: 'ANSWER-SECRET-H', usage: { prompt: 13, completion: 4 } });
    const h = await post(gw, '/v1/agents/code/invoke', clients.two.key, { instruction: 'PROMPT-SECRET-H' });
    expect(h.body.agent_status).toBe('completed');
    made.H = h.body.run_id;
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('has one row per request, newest first, with the right fields', async () => {
    const { data, has_more, next_before } = await requests(gw, '');
    expect(data.map((row) => row.run_id)).toEqual(['H', 'G', 'F', 'E', 'D', 'C', 'B', 'A'].map((k) => made[k as 'A']));
    expect([has_more, next_before]).toEqual([false, null]);
    const row = Object.fromEntries(data.map((r) => [r.run_id, r]));
    const costOf = (p: { input: number; output: number }, prompt: number, completion: number) =>
      (prompt * p.input + completion * p.output) / 1e6;
    expect(row[made.A]).toMatchObject({
      route: 'chat',
      client: clients.one.id,
      model_asked: 'alpha/alpha-chat',
      model_used: 'alpha/alpha-chat',
      provider: 'alpha',
      stream: false,
      status: 'ok',
      http_status: 200,
      error: null,
      ttft_ms: null,
      prompt_tokens: 100,
      completion_tokens: 20,
      attempts: [{ model: 'alpha/alpha-chat', provider: 'alpha', error: null, ms: expect.any(Number) }],
      cache_hit: false,
    });
    expect(row[made.A]!.cost_usd).toBeCloseTo(costOf(PRICES.alpha, 100, 20), 12);
    expect(row[made.A]!.latency_ms).toBeGreaterThanOrEqual(0);
    expect(row[made.B]).toMatchObject({
      stream: true,
      model_used: 'beta/beta-chat',
      prompt_tokens: 50,
      completion_tokens: 9,
      ttft_ms: expect.any(Number),
    });
    expect(row[made.B]!.ttft_ms).toBeLessThanOrEqual(row[made.B]!.latency_ms);
    expect(row[made.C]).toMatchObject({
      client: clients.two.id,
      model_asked: 'auto',
      model_used: 'beta/beta-chat',
      provider: 'beta',
      status: 'ok',
      attempts: [
        { model: 'alpha/alpha-chat', provider: 'alpha', error: 'server' },
        { model: 'beta/beta-chat', provider: 'beta', error: null },
      ],
      prompt_tokens: 30,
      completion_tokens: 6,
    });
    expect(row[made.D]).toMatchObject({
      status: 'error',
      http_status: 404,
      model_used: null,
      attempts: [],
      cost_usd: null,
      prompt_tokens: 0,
    });
    expect(row[made.D]!.error).toEqual(expect.any(String));
    expect(row[made.E]).toMatchObject({ cache_hit: false, prompt_tokens: 7 });
    expect(row[made.F]).toMatchObject({
      cache_hit: true,
      model_used: 'alpha/alpha-chat',
      attempts: [],
      cost_usd: null,
      status: 'ok',
    });
    expect(row[made.G]).toMatchObject({
      route: 'contextual_chat',
      client: null,
      model_used: 'alpha/alpha-chat',
      prompt_tokens: 11,
    });
    expect(row[made.H]).toMatchObject({
      route: 'agent',
      client: clients.two.id,
      model_used: 'alpha/alpha-chat',
      status: 'ok',
      prompt_tokens: 13,
    });
  });

  it('logs one info line per request with the same record, and a warn line for the failed attempt', () => {
    const logged = infoLines(lines);
    expect(logged.map((entry) => entry.run_id)).toEqual(
      ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((k) => made[k as 'A']),
    );
    expect(logged.every((entry) => entry.level === 30 && entry.id === undefined)).toBe(true);
    expect(logged[2]).toMatchObject({
      model_asked: 'auto',
      model_used: 'beta/beta-chat',
      attempts: [{ error: 'server' }, { error: null }],
    });
    const warns = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'upstream attempt failed');
    expect(warns).toEqual([
      expect.objectContaining({
        level: 40,
        run_id: made.C,
        provider: 'alpha',
        model: 'alpha/alpha-chat',
        kind: 'server',
      }),
    ]);
  });

  it('keeps no prompt or answer text in any row or log line (content logging is off by default)', async () => {
    const everything = JSON.stringify((await requests(gw, '?limit=1000')).data) + lines.join('\n');
    expect(everything).not.toMatch(/PROMPT-SECRET|ANSWER-SECRET|sk-alpha|sk-beta|sk-sb-/);
    expect(everything).not.toContain('"content"');
  });

  it('filters by model, provider, status and client, and pages with before', async () => {
    const ids = async (query: string, token?: string) =>
      (await requests(gw, query, token)).data.map((row) => row.run_id);
    expect(await ids('?model=beta/beta-chat')).toEqual([made.C, made.B]);
    expect(await ids('?provider=alpha&status=ok')).toEqual([made.H, made.G, made.F, made.E, made.A]);
    expect(await ids('?status=error')).toEqual([made.D]);
    expect(await ids('?status=404')).toEqual([made.D]);
    expect(await ids(`?client=${clients.two.id}`)).toEqual([made.H, made.D, made.C]);
    const seen: string[] = [];
    let query = '?limit=3';
    for (let page = 0; page < 5; page += 1) {
      const body = await requests(gw, query);
      seen.push(...body.data.map((row) => row.run_id));
      if (!body.has_more) break;
      query = `?limit=3&before=${body.next_before}`;
    }
    expect(seen).toEqual(['H', 'G', 'F', 'E', 'D', 'C', 'B', 'A'].map((k) => made[k as 'A']));
    // since: the requests that arrived at or after a time (here E's arrival, as epoch ms and as ISO-8601).
    const e = (await requests(gw, '')).data.find((row) => row.run_id === made.E)!;
    expect(await ids(`?since=${e.ts}`)).toEqual([made.H, made.G, made.F, made.E]);
    expect(await ids(`?since=${new Date(e.ts).toISOString()}&provider=alpha&limit=2`)).toEqual([made.H, made.G]);
    expect(await ids(`?since=${Date.now() + 60_000}`)).toEqual([]);
    const badSince = await call(gw.url, 'GET', '/v1/requests?since=yesterday', ADMIN);
    expect([badSince.status, badSince.body.error.param]).toEqual([400, 'since']);
    const bad = await call(gw.url, 'GET', '/v1/requests?before=nope', ADMIN);
    expect([bad.status, bad.body.error.param]).toEqual([400, 'before']);
    expect((await call(gw.url, 'GET', '/v1/requests?limit=0', ADMIN)).status).toBe(400);
  });

  it('shows a client key its own requests only', async () => {
    const own = (await requests(gw, '', clients.one.key)).data.map((row) => row.run_id);
    expect(own).toEqual([made.F, made.E, made.B, made.A]);
    expect((await requests(gw, `?client=${clients.two.id}`, clients.one.key)).data).toEqual([]);
    expect((await call(gw.url, 'GET', '/v1/requests')).status).toBe(401);
  });

  it('answers /v1/usage over 90 days from the rollups: history past the records retention still counts', async () => {
    const now = Date.now();
    const today = Math.floor(now / DAY) * DAY;
    for (let back = 80; back >= 10; back -= 10) {
      gw.gateway.stores.usage.append({
        ts: today - back * DAY + 3_600_000,
        provider: 'alpha',
        model: 'alpha/alpha-chat',
        clientId: clients.one.id,
        promptTokens: 1_000,
        completionTokens: 100,
        costUsd: 0.5,
        latencyMs: 200,
        status: 'ok',
      });
    }
    await gw.gateway.stores.usage.flush();
    expect(await gw.gateway.stores.usage.query(now - 90 * DAY, now - 5 * DAY)).toEqual([]);
    const usage = async (from: number, token = ADMIN) =>
      (await call(gw.url, 'GET', `/v1/usage?group_by=client&from=${from}&to=${now + 60_000}`, token)).body;
    const [long, recent] = [await usage(now - 90 * DAY), await usage(now - DAY)];
    expect(long.totals.requests - recent.totals.requests).toBe(8);
    expect(long.totals.prompt_tokens - recent.totals.prompt_tokens).toBe(8_000);
    expect(long.totals.cost_usd - recent.totals.cost_usd).toBeCloseTo(4, 6);
    const mine = await usage(now - 90 * DAY, clients.two.key);
    expect(mine.groups.map((group: { key: string }) => group.key)).toEqual([clients.two.id]);
    // The same 90 days as a series of days: 91 buckets (92 when `to` falls past midnight: a run in the day's last
    // minute) that add up to the report, the old calls on their days.
    const to = now + 60_000;
    const days = Math.floor(to / DAY) - Math.floor((now - 90 * DAY) / DAY) + 1;
    const series = (
      await call(gw.url, 'GET', `/v1/usage/series?bucket=day&group_by=client&from=${now - 90 * DAY}&to=${to}`, ADMIN)
    ).body as { totals: { requests: number }; buckets: Array<{ start: string; totals: { requests: number } }> };
    expect(series.buckets).toHaveLength(days);
    expect(series.totals.requests).toBe(long.totals.requests);
    expect(series.buckets.reduce((sum, b) => sum + b.totals.requests, 0)).toBe(long.totals.requests);
    const tenDaysAgo = new Date(today - 10 * DAY).toISOString();
    expect(series.buckets.find((b) => b.start === tenDaysAgo)?.totals.requests).toBe(1);
  });
});

describe('content logging', () => {
  const lines: string[] = [];
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await gateway({}, lines, { logging: { content: true, contentMaxChars: 24 } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('keeps the prompt and the answer truncated, and nothing of a request that opts out', async () => {
    alpha.queue({ type: 'text', text: 'an answer that goes on for much longer than the limit' });
    const body = {
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: 'a question that is long as well' }],
    };
    const kept = await post(gw, '/v1/chat/completions', ADMIN, body);
    alpha.queue({ type: 'text', text: 'OPTED-OUT-ANSWER' });
    const optOut = { 'x-switchboard-log-content': 'off' };
    const hidden = await post(
      gw,
      '/v1/chat/completions',
      ADMIN,
      { ...body, messages: [{ role: 'user', content: 'OPTED-OUT-PROMPT' }] },
      optOut,
    );
    const { data } = await requests(gw, '');
    const row = Object.fromEntries(data.map((r) => [r.run_id, r]));
    expect(row[kept.runId!]!.content).toEqual({
      prompt: 'user: a question that is…',
      answer: 'an answer that goes on f…',
    });
    expect(row[hidden.runId!]!.content).toBeUndefined();
    expect(infoLines(lines).find((entry) => entry.run_id === kept.runId)!.content).toEqual(row[kept.runId!]!.content);
    expect(JSON.stringify(data) + lines.join('\n')).not.toContain('OPTED-OUT');
  });

  it('keeps a streamed answer too', async () => {
    alpha.queue({ type: 'text', text: 'streamed words one by one' });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: ADMIN, maxRetries: 0 });
    const stream = await client.chat.completions
      .create({ model: 'alpha/alpha-chat', messages: [{ role: 'user', content: 'stream it' }], stream: true })
      .withResponse();
    for await (const _chunk of stream.data);
    const runId = stream.response.headers.get('x-switchboard-run-id');
    const row = (await requests(gw, '')).data.find((r) => r.run_id === runId)!;
    expect(row.content).toEqual({ prompt: 'user: stream it', answer: 'streamed words one by on…' });
  });
});
