// The key pool on its own: picking strategies, limits, health after each kind of outcome, breakers, concurrency.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createBreakers } from '../../../src/accounts/breakers.js';
import { isKeyUnavailable } from '../../../src/accounts/errors.js';
import { createKeyHealth } from '../../../src/accounts/key-health.js';
import { createKeyPool } from '../../../src/accounts/key-pool.js';
import { createConcurrencyGate } from '../../../src/accounts/concurrency-gate.js';
import { createLearnedLimits } from '../../../src/accounts/learned-limits.js';
import { createQuotaReadings } from '../../../src/accounts/quota-readings.js';
import type { KeyStrategy, Limits } from '../../../src/config/schema.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';
import type { UsageRecord } from '../../../src/storage/types.js';

const KEYS = ['sk-one-aaaaaaaaaaaa', 'sk-two-bbbbbbbbbbbb', 'sk-three-cccccccccc'];

/** A pool over one provider with `keys` and `limits`, on an injected clock. */
function setup(options: { strategy?: KeyStrategy; limits?: Limits; keys?: string[]; breakerMinCalls?: number } = {}) {
  let now = 1_700_000_000_000;
  const registry = resolveCatalogWithKeys(
    [],
    [
      {
        id: 'p',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:1/v1',
        apiKeys: options.keys ?? KEYS,
        ...(options.limits ? { limits: options.limits } : {}),
        models: [
          {
            id: 'm',
            capabilities: ['chat'],
            contextWindow: 8192,
            quality: 0.5,
            speed: 0.5,
            costPer1M: { input: 1, output: 2 },
          },
        ],
      },
    ],
    {},
  );
  const logger = pino({ level: 'silent' });
  const records: UsageRecord[] = [];
  const windows = createMemoryWindowStore();
  const health = createKeyHealth({ kv: createMemoryKvStore(() => now), logger });
  // Any one request's failures may open the circuit here: these tests are about which failures count.
  const breakers = createBreakers({
    windowMs: 60_000,
    minCalls: options.breakerMinCalls ?? 3,
    failureRate: 0.5,
    minRequests: 1,
    cooldownMs: 10_000,
  });
  const readings = createQuotaReadings();
  const learned = createLearnedLimits(
    createMemoryKvStore(() => now),
    logger,
  );
  const pool = createKeyPool({
    strategy: options.strategy ?? 'round_robin',
    windows,
    health,
    breakers,
    gate: createConcurrencyGate(),
    defaultConcurrency: 64,
    record: (record) => void records.push(record),
    readings,
    learned,
    rateLimitCooldownMs: 60_000,
    now: () => now,
    logger,
  });
  const model = registry.models[0]!;
  const acquire = (tokens = 10) => pool.acquire(model, { tokens: () => tokens, runId: 'r', clientId: 'c' });
  return {
    pool,
    model,
    provider: model.provider,
    records,
    health,
    learned,
    acquire,
    advance: (ms: number) => void (now += ms),
    now: () => now,
  };
}

/** The keys `n` calls get, each settled as a success. */
async function keysOf(acquire: () => ReturnType<ReturnType<typeof setup>['acquire']>, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const lease = await acquire();
    seen.push(lease.apiKey);
    lease.settle({ usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  }
  return seen;
}

describe('key strategies', () => {
  it('round_robin takes each key in turn', async () => {
    const { acquire } = setup();
    expect(await keysOf(acquire, 4)).toEqual([KEYS[0], KEYS[1], KEYS[2], KEYS[0]]);
  });

  it('least_used takes the key with the fewest calls', async () => {
    const { acquire, pool, provider } = setup({ strategy: 'least_used' });
    expect(new Set(await keysOf(acquire, 3))).toEqual(new Set(KEYS));
    expect(pool.describe({ providers: [provider] } as never).map((key) => key.uses)).toEqual([1, 1, 1]);
  });

  it('most_headroom takes the key furthest from its tightest limit', async () => {
    const { acquire } = setup({ strategy: 'most_headroom', limits: { rpm: 10 } });
    // Every call lowers its key's headroom, so the calls spread over the keys.
    const seen = await keysOf(acquire, 6);
    expect(KEYS.map((key) => seen.filter((k) => k === key).length)).toEqual([2, 2, 2]);
  });
});

describe('limits', () => {
  it('passes a key over once its rpm is used, and reports the wait when every key is at its limit', async () => {
    const { acquire, pool, provider, advance } = setup({ keys: KEYS.slice(0, 2), limits: { rpm: 1 } });
    expect(await keysOf(acquire, 2)).toEqual([KEYS[0], KEYS[1]]);
    const err = await acquire().catch((e: unknown) => e);
    expect(isKeyUnavailable(err)).toBe(true);
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect(pool.unavailable(provider)?.reason).toContain('resting');
    expect(pool.headroom(provider)).toBe(0);
    advance(70_000);
    expect(pool.unavailable(provider)).toBeUndefined();
    expect(await keysOf(acquire, 1)).toHaveLength(1);
  });

  it('reserves tokens against tpm and corrects them with the real usage', async () => {
    const { acquire } = setup({ keys: KEYS.slice(0, 1), limits: { tpm: 100 } });
    const first = await acquire(90);
    first.settle({ usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } });
    // 90 were reserved, 10 used: 90 more fit now.
    (await acquire(90)).settle({ usage: { prompt_tokens: 45, completion_tokens: 45, total_tokens: 90 } });
    expect(isKeyUnavailable(await acquire(90).catch((e: unknown) => e))).toBe(true);
  });

  it("counts a key's calls against a lower limit its provider's headers state, and only that key's", async () => {
    const { acquire, pool, provider, learned } = setup({ keys: KEYS.slice(0, 2), limits: { rpd: 1000 } });
    const lease = await acquire();
    // Cerebras-style headers: this key may make 2 requests a day, not the catalog's 1000.
    lease.onHeaders({ 'x-ratelimit-limit-requests-day': '2', 'x-ratelimit-remaining-requests-day': '1' });
    lease.settle({ usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    const first = provider.keys[0]!;
    expect(learned.get(first.id)?.rpd).toMatchObject({ value: 2, source: expect.stringContaining('headers') });
    // Its one call left goes; after that only the other key is offered, before the provider refused anything.
    expect(await keysOf(acquire, 5)).toEqual([KEYS[1], KEYS[0], KEYS[1], KEYS[1], KEYS[1]]);
    expect(pool.describe({ providers: [provider] } as never)[0]).toMatchObject({
      status: 'cooling',
      learnedLimits: { rpd: { value: 2 } },
    });
    // A higher figure than the published one is not learned.
    const other = await acquire();
    other.onHeaders({ 'x-ratelimit-limit-requests-day': '5000' });
    expect(learned.get(provider.keys[1]!.id)).toBeUndefined();
  });

  it('learns the limit a 429 names, and lowers headroom as the reported remaining falls', async () => {
    const { acquire, pool, provider, learned } = setup({ keys: KEYS.slice(0, 1) });
    expect(pool.headroom(provider)).toBe(1);
    const lease = await acquire();
    lease.onHeaders({ 'x-ratelimit-limit-requests-minute': '10', 'x-ratelimit-remaining-requests-minute': '2' });
    expect(pool.headroom(provider)).toBeCloseTo(0.2);
    lease.settle({
      error: new ProviderError('Rate limit reached on tokens per day (TPD): Limit 5000, Used 4990, Requested 20', {
        kind: 'rate_limit',
        status: 429,
        quota: { scope: 'day', limit: { value: 5000, dimension: 'tokens', source: '429 body' } },
      }),
    });
    expect(learned.get(provider.keys[0]!.id)).toMatchObject({
      rpm: { value: 10 },
      tpd: { value: 5000, source: '429 body' },
    });
  });

  it('caps requests in flight per provider', async () => {
    const { acquire } = setup({ limits: { concurrency: 1 } });
    const held = await acquire();
    expect(isKeyUnavailable(await acquire().catch((e: unknown) => e))).toBe(true);
    held.settle({});
    expect((await acquire()).apiKey).toBeTruthy();
  });
});

describe('what an outcome does to its key', () => {
  it('disables a key refused with 401, with the reason, and never offers it again', async () => {
    const { acquire, pool, provider, records } = setup();
    const lease = await acquire();
    lease.settle({ error: new ProviderError('bad key', { kind: 'auth', status: 401 }) });
    expect(
      pool.describe({ providers: [provider] } as never).find((k) => k.masked === provider.keys[0]!.masked),
    ).toMatchObject({ status: 'disabled', reason: expect.stringContaining('401') });
    expect(await keysOf(acquire, 4)).not.toContain(KEYS[0]);
    expect(records[0]).toMatchObject({
      status: 'error',
      error: 'auth',
      keyId: provider.keys[0]!.id,
      clientId: 'c',
      runId: 'r',
    });
  });

  it("rests a key for Retry-After after a 429, and for the quota's reset when the provider said one", async () => {
    const { acquire, health, provider, now } = setup();
    (await acquire()).settle({
      error: new ProviderError('slow down', { kind: 'rate_limit', status: 429, retryAfterMs: 5_000 }),
    });
    expect(health.get(provider.keys[0]!.id, now())).toMatchObject({ status: 'cooling', until: now() + 5_000 });
    const resetAt = now() + 3_600_000;
    const second = await acquire();
    expect(second.key!.id).not.toBe(provider.keys[0]!.id);
    second.settle({
      error: new ProviderError('daily', {
        kind: 'rate_limit',
        status: 429,
        retryAfterMs: 1_000,
        quota: { scope: 'day', resetAt },
      }),
    });
    expect(health.get(second.key!.id, now())).toMatchObject({
      status: 'cooling',
      until: resetAt,
      reason: expect.stringContaining('daily'),
    });
  });

  it('rests a key whose successful response said a quota is spent', async () => {
    const { acquire, health, provider, now } = setup();
    const lease = await acquire();
    lease.onHeaders({ 'x-ratelimit-remaining-requests-day': '0', 'x-ratelimit-reset-requests-day': '120' });
    lease.settle({ usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    expect(health.get(provider.keys[0]!.id, now())).toMatchObject({ status: 'cooling', until: now() + 120_000 });
  });

  it("opens the provider's circuit after server failures, not after a bad request, an abort or the gateway's own fault", async () => {
    const { acquire, pool, provider, records } = setup({ breakerMinCalls: 3 });
    const fail = async (error: unknown, aborted = false) => (await acquire()).settle({ error, aborted });
    await fail(new ProviderError('bad', { kind: 'bad_request', status: 400 }));
    await fail(new ProviderError('gone', { kind: 'network', status: 0 }), true);
    await fail(new RangeError('Maximum call stack size exceeded'));
    await fail(new RangeError('Maximum call stack size exceeded'));
    expect(pool.unavailable(provider)).toBeUndefined();
    expect(records.map((r) => r.error)).toEqual(['bad_request', 'aborted', 'internal', 'internal']);
    await fail(new ProviderError('down', { kind: 'server', status: 503 }));
    expect(pool.unavailable(provider)).toBeUndefined(); // 2 calls: the bad request counted as one, nothing else did
    await fail(new ProviderError('down', { kind: 'server', status: 503 }));
    expect(pool.unavailable(provider)).toMatchObject({
      kind: 'circuit_open',
      reason: expect.stringContaining('circuit open'),
    });
  });

  it('records a stream that failed after its first content as a broken stream', async () => {
    const { acquire, records } = setup();
    const lease = await acquire();
    lease.firstContent();
    lease.settle({ error: new ProviderError('went silent', { kind: 'timeout', status: 0 }) });
    expect(records[0]).toMatchObject({ status: 'error', error: 'stream_broken' });
  });

  it('records usage with the catalog price, latency and time to first token', async () => {
    const { acquire, records, advance } = setup();
    const lease = await acquire();
    advance(100);
    lease.firstContent();
    advance(400);
    lease.settle({ usage: { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500 } });
    expect(records[0]).toMatchObject({
      status: 'ok',
      model: 'p/m',
      promptTokens: 1_000,
      completionTokens: 500,
      costUsd: 0.002,
      latencyMs: 500,
      ttftMs: 100,
    });
  });
});
