// End to end, on memory and on Redis: GET /v1/usage and GET /metrics add up exactly the calls made (two providers,
// two client keys, a streamed call, a failed call), with costs from the config's costPer1M; a client only sees its own.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicUpstream } from '../fakes/anthropic-wire.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { parsePrometheusText } from '../helpers/prometheus-text.js';
import { call, clientWith, tempDataDir } from './accounts-harness.js';
import { fakeModel, redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-usage-e2e';
const PRICES: Record<string, { input: number; output: number }> = {
  'alpha/alpha-chat': { input: 1, output: 2 },
  'alpha/alpha-mini': { input: 0.5, output: 4 },
  'beta/beta-chat': { input: 3, output: 5 },
};
const KEYS = { alpha: 'sk-alpha-usage-key-0001', beta: 'sk-beta-usage-key-0002' };
const dataDir = tempDataDir('usage');

/** One call made, as the test expects usage to count it; `ok: false` calls are answered 400 and use no tokens. */
interface Made {
  client: 'one' | 'two';
  model: string;
  prompt: number;
  completion: number;
  ok: boolean;
  stream?: boolean;
}
const BATCH_ONE: Made[] = [
  { client: 'one', model: 'alpha/alpha-chat', prompt: 100, completion: 20, ok: true },
  { client: 'one', model: 'beta/beta-chat', prompt: 200, completion: 40, ok: true },
];
const BATCH_TWO: Made[] = [
  { client: 'two', model: 'alpha/alpha-mini', prompt: 300, completion: 70, ok: true },
  { client: 'two', model: 'beta/beta-chat', prompt: 50, completion: 9, ok: true, stream: true },
  { client: 'two', model: 'alpha/alpha-chat', prompt: 0, completion: 0, ok: false },
];

let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
const clients = {} as Record<Made['client'], { id: string; key: string }>;
const keyGroups: Record<string, string> = {};
/** A time between the two batches. */
let mid = 0;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startAnthropicUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha?.close(), beta?.close()]);
});

/** A gateway on `env`'s backend, two client keys, and the two batches of calls with a time between them. */
async function setUp(env: Record<string, string>): Promise<void> {
  const model = (ref: string) => fakeModel(ref.split('/')[1]!, { costPer1M: PRICES[ref] });
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: [KEYS.alpha],
      models: [model('alpha/alpha-chat'), model('alpha/alpha-mini')],
    },
    {
      id: 'beta',
      protocol: 'anthropic',
      baseUrl: beta.baseUrl,
      apiKeys: [KEYS.beta],
      models: [model('beta/beta-chat')],
    },
  ];
  gw = await startTestGateway({ providers }, undefined, { SWITCHBOARD_ADMIN_KEY: ADMIN, ...env });
  for (const name of ['one', 'two'] as const) {
    clients[name] = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name })).body as {
      id: string;
      key: string;
    };
  }
  for (const key of (await call(gw.url, 'GET', '/admin/keys', ADMIN)).body.data as Array<{
    id: string;
    provider: string;
    masked: string;
  }>) {
    keyGroups[key.provider] = `${key.masked} (${key.id})`;
  }
  await makeCalls(BATCH_ONE);
  await new Promise((resolve) => setTimeout(resolve, 5));
  mid = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await makeCalls(BATCH_TWO);
}

async function makeCalls(calls: Made[]): Promise<void> {
  for (const made of calls) {
    const fake = made.model.startsWith('alpha/') ? alpha : beta;
    fake.queue(
      made.ok
        ? { type: 'text', text: 'counted', usage: { prompt: made.prompt, completion: made.completion } }
        : { type: 'error', status: 400, message: 'bad parameter' },
    );
    const client = clientWith(gw.url, clients[made.client].key);
    const params = { model: made.model, messages: [{ role: 'user' as const, content: 'count me' }] };
    const tokens = { prompt_tokens: made.prompt, completion_tokens: made.completion };
    if (made.stream) {
      let last: unknown;
      for await (const chunk of await client.chat.completions.create({
        ...params,
        stream: true,
        stream_options: { include_usage: true },
      }))
        last = chunk.usage ?? last;
      expect(last).toMatchObject(tokens);
    } else if (made.ok) expect((await client.chat.completions.create(params)).usage).toMatchObject(tokens);
    else await expect(client.chat.completions.create(params)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  }
}

/**
 * What /v1/usage should say for `calls`, grouped by `groupOf`, groups sorted by key (the test's order, not the
 * server's).
 */
function expected(calls: Made[], groupOf: (made: Made) => string) {
  const totals = (subset: Made[]) => {
    const prompt = subset.reduce((n, c) => n + c.prompt, 0);
    const completion = subset.reduce((n, c) => n + c.completion, 0);
    const cost =
      subset.reduce((n, c) => n + c.prompt * PRICES[c.model]!.input + c.completion * PRICES[c.model]!.output, 0) / 1e6;
    return {
      requests: subset.length,
      errors: subset.filter((c) => !c.ok).length,
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost_usd: Math.round(cost * 1e6) / 1e6,
    };
  };
  const keys = [...new Set(calls.map(groupOf))].sort();
  return {
    totals: totals(calls),
    groups: keys.map((key) => ({ key, ...totals(calls.filter((c) => groupOf(c) === key)) })),
  };
}

/** The report's totals and groups, reduced to the counted fields, groups sorted by key. */
async function usage(query: string, token = ADMIN) {
  const { status, body } = await call(gw.url, 'GET', `/v1/usage?${query}`, token);
  expect(status).toBe(200);
  const pick = ({
    requests,
    errors,
    prompt_tokens,
    completion_tokens,
    total_tokens,
    cost_usd,
  }: Record<string, number>) => ({ requests, errors, prompt_tokens, completion_tokens, total_tokens, cost_usd });
  const groups = (body.groups as Array<Record<string, number> & { key: string }>).map((g) => ({
    key: g.key,
    ...pick(g),
  }));
  return { body, totals: pick(body.totals), groups: groups.sort((a, b) => (a.key < b.key ? -1 : 1)) };
}

const ALL = [...BATCH_ONE, ...BATCH_TWO];
const byProvider = (c: Made) => c.model.split('/')[0]!;

describe.each([
  ['memory', () => ({ SWITCHBOARD_DATA_DIR: dataDir })],
  ['redis', () => redisEnv('usage')],
])('on %s', (_backend, env) => {
  beforeAll(() => setUp(env()));
  afterAll(async () => {
    await gw?.close();
  });

  describe('GET /v1/usage', () => {
    it.each([
      ['provider', byProvider],
      ['model', (c: Made) => c.model],
      ['key', (c: Made) => keyGroups[byProvider(c)]!],
      ['client', (c: Made) => clients[c.client].id],
    ] as const)('group_by=%s matches the calls made exactly', async (groupBy, groupOf) => {
      const { body, totals, groups } = await usage(`group_by=${groupBy}`);
      expect(body.group_by).toBe(groupBy);
      expect({ totals, groups }).toEqual(expected(ALL, groupOf));
      // Biggest token users first.
      const served = (body.groups as Array<{ total_tokens: number }>).map((g) => g.total_tokens);
      expect(served).toEqual([...served].sort((a, b) => b - a));
    });

    it('from and to cut the range (both bounds, ms or ISO-8601)', async () => {
      const after = await usage(`group_by=client&from=${mid}`);
      expect({ totals: after.totals, groups: after.groups }).toEqual(expected(BATCH_TWO, (c) => clients[c.client].id));
      const before = await usage(`group_by=client&to=${new Date(mid).toISOString()}`);
      expect({ totals: before.totals, groups: before.groups }).toEqual(
        expected(BATCH_ONE, (c) => clients[c.client].id),
      );
      expect(before.body.to).toBe(new Date(mid).toISOString());
      const bad = await call(gw.url, 'GET', `/v1/usage?from=${mid + 1}&to=${mid}`, ADMIN);
      expect(bad.status).toBe(400);
    });

    it('a client key sees only its own calls', async () => {
      for (const name of ['one', 'two'] as const) {
        const own = ALL.filter((c) => c.client === name);
        const seen = await usage('group_by=client', clients[name].key);
        expect({ totals: seen.totals, groups: seen.groups }).toEqual(expected(own, (c) => clients[c.client].id));
        const byModel = await usage('group_by=model', clients[name].key);
        expect(byModel.groups).toEqual(expected(own, (c) => c.model).groups);
      }
    });
  });

  describe('GET /metrics', () => {
    it('parses as Prometheus text, and the call and token counters match the calls made', async () => {
      const { status, headers, body } = await call(gw.url, 'GET', '/metrics');
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const metrics = parsePrometheusText(body as string);
      expect(metrics.families.get('switchboard_upstream_calls_total')?.type).toBe('counter');
      const calls = metrics.samples('switchboard_upstream_calls_total');
      expect(calls.reduce((n, s) => n + s.value, 0)).toBe(ALL.length);
      for (const model of Object.keys(PRICES)) {
        const made = ALL.filter((c) => c.model === model);
        const provider = model.split('/')[0]!;
        const ok = made.filter((c) => c.ok).length;
        expect(
          metrics.value('switchboard_upstream_calls_total', { provider, model, status: 'ok', error: '' }) ?? 0,
        ).toBe(ok);
        expect(
          metrics.value('switchboard_upstream_calls_total', {
            provider,
            model,
            status: 'error',
            error: 'bad_request',
          }) ?? 0,
        ).toBe(made.length - ok);
        for (const [type, field] of [
          ['prompt', 'prompt'],
          ['completion', 'completion'],
        ] as const) {
          const tokens = made.reduce((n, c) => n + c[field], 0);
          expect({ model, type, value: metrics.value('switchboard_tokens_total', { provider, model, type }) }).toEqual({
            model,
            type,
            value: tokens,
          });
        }
      }
      // The HTTP counter saw the chat route's 200s and the failed call's 400.
      expect(
        metrics.value('switchboard_http_requests_total', {
          method: 'POST',
          route: '/v1/chat/completions',
          status: '400',
        }),
      ).toBe(1);
      // Only the streamed call has a time to first token.
      const ttft = metrics
        .samples('switchboard_upstream_ttft_seconds_count')
        .map((sample) => [sample.labels['model'], sample.value]);
      expect(ttft).toEqual(ALL.filter((c) => c.stream).map((c) => [c.model, 1]));
    });
  });
});
