// GET /admin/status end to end: a real gateway in front of fake providers; headroom that shrinks with each call, a 429
// whose rate-limit headers rest a key, the provider's own count winning when it is tighter, circuits, live figures.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import type { ProviderStatus, StatusSnapshot } from '../../src/server/status/types.js';
import { call } from './accounts-harness.js';
import { redisEnv } from './harness.js';
import { ADMIN_KEY, provider, startKeysGateway, useFakesAndGateway, withResponseHeaders } from './keys-harness.js';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]));
let alpha: FakeUpstream;
let beta: FakeUpstream;
beforeAll(() => void ([alpha, beta] = fx.fakes));

const DAY = 86_400_000;
const ALPHA_LIMITS = { rpm: 10, rpd: 20, tpm: 100_000, tpd: 1_000_000 };

/** alpha: two keys with published limits; beta: one key, 100 requests a day; `extra` replaces fields of either. */
async function start(extra: { alpha?: Record<string, unknown>; beta?: Record<string, unknown> } = {}, config = {}) {
  fx.gw = await startKeysGateway({
    providers: [
      provider('alpha', 'openai', alpha, 0.9, {
        apiKeys: ['sk-alpha-one-1111', 'sk-alpha-two-2222'],
        limits: ALPHA_LIMITS,
        ...extra.alpha,
      }),
      provider('beta', 'openai', beta, 0.5, { apiKeys: ['sk-beta-3333'], limits: { rpd: 100 }, ...extra.beta }),
    ],
    ...config,
  });
  return fx.gw;
}

async function status(query = ''): Promise<StatusSnapshot> {
  const { status: code, body } = await call(fx.gw!.url, 'GET', `/admin/status${query}`, ADMIN_KEY);
  expect(code, JSON.stringify(body)).toBe(200);
  return body as StatusSnapshot;
}

const find = (snapshot: StatusSnapshot, id: string): ProviderStatus => snapshot.providers.find((p) => p.id === id)!;

let asked = 0;

/** One chat request (each with a prompt of its own: the circuit counts distinct requests); resolves its status. */
async function chat(model: string, stream = false): Promise<number> {
  const content = `hello there, number ${++asked}`;
  const res = await fetch(`${fx.gw!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content }] }),
  });
  await res.text();
  return res.status;
}

describe('GET /admin/status', () => {
  it('needs the admin key, and refuses a bad query with an OpenAI error body naming it', async () => {
    const gw = await start();
    const anonymous = await call(gw.url, 'GET', '/admin/status');
    expect(anonymous.status).toBe(401);
    expect(schemaErrors.error(anonymous.body)).toEqual([]);
    for (const query of ['?minutes=0', '?minutes=61', '?minutes=abc', '?minutes=1&minutes=2']) {
      const { status: code, body } = await call(gw.url, 'GET', `/admin/status${query}`, ADMIN_KEY);
      expect(code, query).toBe(400);
      expect(schemaErrors.error(body)).toEqual([]);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'minutes' });
    }
    const unknown = await call(gw.url, 'GET', '/admin/status?minute=5', ADMIN_KEY);
    expect(unknown.status).toBe(400);
    expect((await status('?minutes=15')).windowMinutes).toBe(15);
  });

  it('lists every provider with its circuit, keys (masked) and published headroom, the off ones saying how to turn on', async () => {
    const gw = await start();
    const { text } = await fetch(`${gw.url}/admin/status`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then(
      async (res) => ({ text: await res.text() }),
    );
    for (const secret of ['sk-alpha-one-1111', 'sk-alpha-two-2222', 'sk-beta-3333']) expect(text).not.toContain(secret);
    const snapshot = JSON.parse(text) as StatusSnapshot;
    expect(snapshot).toMatchObject({ object: 'gateway.status', windowMinutes: 5, nearlySpentBelow: 0.1 });
    // The enabled first, then the catalog's providers that have no key here.
    expect(snapshot.providers.slice(0, 2).map((p) => p.id)).toEqual(['alpha', 'beta']);
    expect(find(snapshot, 'groq')).toMatchObject({
      name: 'Groq',
      enabled: false,
      reason: expect.stringContaining('GROQ_API_KEY'),
      keyEnv: ['GROQ_API_KEY'],
      circuit: null,
      keys: [],
      freeTier: null,
    });
    const a = find(snapshot, 'alpha');
    expect(a).toMatchObject({
      name: 'alpha',
      enabled: true,
      circuit: { state: 'closed', until: null },
      keyCounts: { total: 2, usable: 2, resting: 0, disabled: 0 },
    });
    expect(a.keys.map((k) => k.status)).toEqual(['active', 'active']);
    expect(a.keys[0]!.freeTier.day.requests).toEqual({
      limit: 20,
      used: 0,
      remaining: 20,
      resetsAt: null,
      source: 'gateway',
    });
    // The provider's headroom is its keys' summed.
    expect(a.freeTier!.day.requests).toMatchObject({ limit: 40, used: 0, remaining: 40 });
    expect(a.freeTier!.minute.tokens).toMatchObject({ limit: 200_000, remaining: 200_000 });
    // beta publishes only a daily request limit: nothing to say of the rest.
    expect(find(snapshot, 'beta').freeTier).toMatchObject({
      minute: { requests: null, tokens: null },
      day: { requests: { limit: 100 }, tokens: null },
      nearlySpent: false,
    });
    expect(snapshot.totals).toMatchObject({
      providers: { enabled: 2, disabled: snapshot.providers.length - 2, circuitOpen: 0 },
      keyCounts: { total: 3, usable: 3 },
      nearlySpent: [],
      calls: { count: 0, errors: 0, perMinute: 0, errorRate: null, p50LatencyMs: null },
      requests: { count: 0 },
    });
  });

  it('shows the headroom going down with each call, and the live figures of the calls and requests', async () => {
    await start();
    const before = Date.now();
    for (let i = 0; i < 3; i++) expect(await chat('alpha/alpha-chat')).toBe(200);
    expect(await chat('alpha/alpha-chat', true)).toBe(200);
    const snapshot = await status();
    const a = find(snapshot, 'alpha');
    expect(a.freeTier!.day.requests).toMatchObject({ limit: 40, used: 4, remaining: 36, source: 'gateway' });
    // Round robin: two calls on each key.
    expect(a.keys.map((k) => k.freeTier.day.requests!.used)).toEqual([2, 2]);
    expect(a.keys.map((k) => k.uses)).toEqual([2, 2]);
    const tokens = a.freeTier!.day.tokens!;
    expect(tokens.used).toBeGreaterThan(0);
    expect(tokens.remaining).toBe(2_000_000 - tokens.used!);
    // Whole again a day (and a bucket) after the last call.
    const resets = a.keys[0]!.freeTier.day.requests!.resetsAt!;
    expect(resets).toBeGreaterThan(before + DAY);
    expect(resets).toBeLessThanOrEqual(Date.now() + DAY + DAY / 12);
    expect(a.live).toMatchObject({ count: 4, errors: 0, perMinute: 0.8, errorRate: 0 });
    expect(a.live.p50LatencyMs).toBeGreaterThanOrEqual(0);
    expect(a.live.p95LatencyMs).toBeGreaterThanOrEqual(a.live.p50LatencyMs!);
    expect(a.live.p50TtftMs).not.toBeNull(); // the stream's
    expect(find(snapshot, 'beta').live.count).toBe(0);
    expect(snapshot.totals.calls.count).toBe(4);
    expect(snapshot.totals.requests).toMatchObject({ count: 4, errors: 0, errorRate: 0 });

    expect(await chat('alpha/alpha-chat')).toBe(200);
    expect(find(await status(), 'alpha').freeTier!.day.requests).toMatchObject({ used: 5, remaining: 35 });
  });

  it("rests a key on a 429 whose rate-limit headers say its day is spent, and shows the provider's count", async () => {
    await start();
    beta.queue({
      type: 'error',
      status: 429,
      message: 'Requests per day limit exceeded',
      headers: {
        'x-ratelimit-limit-requests-day': '100',
        'x-ratelimit-remaining-requests-day': '0',
        'x-ratelimit-reset-requests-day': '3600',
      },
    });
    const sent = Date.now();
    expect(await chat('beta/beta-chat')).toBe(429);
    const snapshot = await status();
    const b = find(snapshot, 'beta');
    expect(b.keyCounts).toMatchObject({ usable: 0, resting: 1 });
    const [key] = b.keys;
    expect(key!.status).toBe('cooling');
    expect(key!.reason).toContain('daily quota spent');
    expect(key!.until).toBeGreaterThanOrEqual(sent + 3_600_000);
    // The gateway counted one request of 100; the provider says none are left: the tighter one shows.
    expect(key!.freeTier.day.requests).toMatchObject({ limit: 100, used: 100, remaining: 0, source: 'provider' });
    // The same reset as the key's rest (each read the headers with its own clock).
    expect(key!.freeTier.day.requests!.resetsAt).toBeCloseTo(key!.until!, -3);
    expect(key!.freeTier.reported!.windows).toEqual([
      { dimension: 'requests', scope: 'day', limit: 100, remaining: 0, resetsAt: expect.any(Number) },
    ]);
    expect(key!.freeTier.nearlySpent).toBe(true);
    expect(b.freeTier!.nearlySpent).toBe(true);
    expect(snapshot.totals.nearlySpent).toEqual(['beta']);
    expect(snapshot.totals.keyCounts).toMatchObject({ usable: 2, resting: 1 });
    expect(b.live).toMatchObject({ count: 1, errors: 1, errorRate: 1, p50LatencyMs: null });
    expect(snapshot.totals.requests).toMatchObject({ count: 1, errors: 1 });
  });

  it("takes the provider's headroom from a success's headers when it is tighter than the published limit", async () => {
    let left = 12;
    const relay = await withResponseHeaders(alpha, () => ({
      'x-ratelimit-limit-requests-day': '500',
      'x-ratelimit-remaining-requests-day': String(--left),
      'x-ratelimit-reset-requests-day': '7200',
    }));
    try {
      await start({ alpha: { baseUrl: relay.baseUrl, apiKeys: ['sk-alpha-one-1111'], limits: { rpd: 1_000 } } });
      expect(await chat('alpha/alpha-chat')).toBe(200);
      const day = find(await status(), 'alpha').keys[0]!.freeTier.day.requests!;
      expect(day).toMatchObject({ limit: 500, remaining: 11, used: 489, source: 'provider' });
      expect(day.resetsAt).toBeGreaterThan(Date.now() + 7_000_000);
      expect(find(await status(), 'alpha').freeTier!.nearlySpent).toBe(true);
    } finally {
      await relay.close();
    }
  });

  it('shows an open circuit and when it lets a trial through', async () => {
    await start(
      {},
      { accounts: { breakerMinCalls: 2, breakerMinRequests: 2, breakerFailureRate: 0.5, breakerCooldownMs: 60_000 } },
    );
    beta.setFallback({ type: 'error', status: 500 });
    for (const _ of [1, 2, 3]) await chat('beta/beta-chat');
    const snapshot = await status();
    const { circuit } = find(snapshot, 'beta');
    expect(circuit!.state).toBe('open');
    expect(circuit!.until).toBeGreaterThan(Date.now());
    expect(snapshot.totals.providers.circuitOpen).toBe(1);
  });

  it('on Redis, one instance shows the headroom, key rests and live figures of calls made through another', async () => {
    const env = redisEnv('status');
    const providers = [
      provider('beta', 'openai', beta, 0.5, { apiKeys: ['sk-beta-3333'], limits: { rpd: 100 } }),
      provider('alpha', 'openai', alpha, 0.9, { apiKeys: ['sk-alpha-one-1111'], limits: ALPHA_LIMITS }),
    ];
    const [one, two] = await Promise.all([startKeysGateway({ providers }, env), startKeysGateway({ providers }, env)]);
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await one.client.chat.completions.create({
          model: 'alpha/alpha-chat',
          messages: [{ role: 'user', content: `fleet ${i}` }],
        });
        expect(answer.choices[0]!.message.content).toBeTruthy();
      }
      beta.queue({ type: 'error', status: 429, headers: { 'retry-after': '600' } });
      await one.client.chat.completions
        .create({ model: 'beta/beta-chat', messages: [{ role: 'user', content: 'fleet' }] })
        .catch(() => undefined);
      // A request's row is written as its response ends, which is when the client has it: give the store a moment.
      const read = async () => (await call(two.url, 'GET', '/admin/status', ADMIN_KEY)).body as StatusSnapshot;
      await expect.poll(async () => (await read()).totals.requests.count).toBe(4);
      const snapshot = await read();
      const a = find(snapshot, 'alpha');
      expect(a.freeTier!.day.requests).toMatchObject({ limit: 20, used: 3, remaining: 17, source: 'gateway' });
      expect(a.live).toMatchObject({ count: 3, errors: 0 });
      expect(find(snapshot, 'beta').keys[0]).toMatchObject({ status: 'cooling', reason: 'rate limited (HTTP 429)' });
      expect(snapshot.totals.requests.errors).toBe(1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
