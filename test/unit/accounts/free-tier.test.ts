// The free-tier headroom of a key: the gateway's counters against published limits, the provider's headers while
// they hold, the tighter of the two, and a provider's keys summed.
import { describe, expect, it } from 'vitest';
import { readFreeTier, sumFreeTier, type FreeTier } from '../../../src/accounts/free-tier.js';
import { callRules } from '../../../src/accounts/limits.js';
import { createLearnedLimits } from '../../../src/accounts/learned-limits.js';
import { createQuotaReadings } from '../../../src/accounts/quota-readings.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';
import { pino } from 'pino';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';

const NOW = 1_700_000_400_000;
const MINUTE = 60_000;

function setup() {
  const windows = createMemoryWindowStore();
  const readings = createQuotaReadings();
  const learned = createLearnedLimits(createMemoryKvStore(), pino({ level: 'silent' }));
  return { windows, readings, learned, sources: { windows, readings, learned } };
}

describe('readFreeTier', () => {
  it('counts calls against the published limits, and says nothing where there is no limit', async () => {
    const { windows, sources } = setup();
    const limits = { rpm: 10, rpd: 100, tpd: 1_000 };
    for (let i = 0; i < 3; i++) await windows.consume(callRules('key_a', limits, 50), NOW + i);
    const tier = await readFreeTier(sources, 'key_a', limits, NOW + 10);
    expect(tier.minute.requests).toEqual({
      limit: 10,
      used: 3,
      remaining: 7,
      resetsAt: expect.any(Number),
      source: 'gateway',
    });
    expect(tier.minute.requests!.resetsAt).toBeGreaterThan(NOW + MINUTE);
    expect(tier.minute.tokens).toBeNull();
    expect(tier.day.tokens).toMatchObject({ used: 150, remaining: 850 });
    expect(tier.nearlySpent).toBe(false);
    expect(tier.reported).toBeNull();
  });

  it('is nearly spent below a tenth of a daily limit, not of a minute', async () => {
    const { windows, sources } = setup();
    for (let i = 0; i < 10; i++) await windows.consume(callRules('key_a', { rpm: 10 }, 0), NOW);
    expect((await readFreeTier(sources, 'key_a', { rpm: 10 }, NOW)).nearlySpent).toBe(false);
    const day = { rpd: 10 };
    for (let i = 0; i < 9; i++) await windows.consume(callRules('key_b', day, 0), NOW);
    expect((await readFreeTier(sources, 'key_b', day, NOW)).nearlySpent).toBe(false);
    await windows.consume(callRules('key_b', day, 0), NOW);
    expect((await readFreeTier(sources, 'key_b', day, NOW)).nearlySpent).toBe(true);
  });

  it("takes the provider's headers while they hold, the tighter figure winning, and drops them after their reset", async () => {
    const { windows, readings, sources } = setup();
    const limits = { rpd: 100 };
    await windows.consume(callRules('key_a', limits, 0), NOW);
    const said = (remaining: number, resetAt?: number) =>
      readings.note(
        'key_a',
        { windows: [{ dimension: 'requests', scope: 'day', remaining, ...(resetAt ? { resetAt } : {}) }] },
        NOW,
      );
    said(40, NOW + MINUTE);
    // No limit in the headers: the published one; the provider has counted more than this gateway.
    expect((await readFreeTier(sources, 'key_a', limits, NOW)).day.requests).toEqual({
      limit: 100,
      used: 60,
      remaining: 40,
      resetsAt: NOW + MINUTE,
      source: 'provider',
    });
    expect((await readFreeTier(sources, 'key_a', limits, NOW + MINUTE)).day.requests!.source).toBe('gateway');
    said(500, NOW + MINUTE);
    expect((await readFreeTier(sources, 'key_a', limits, NOW)).day.requests).toMatchObject({
      remaining: 99,
      source: 'gateway',
    });
    // Without a reset, the word holds for one window's length.
    said(5);
    expect((await readFreeTier(sources, 'key_a', limits, NOW + 1_000)).day.requests!.remaining).toBe(5);
    expect((await readFreeTier(sources, 'key_a', limits, NOW + 86_400_000)).day.requests!.source).toBe('gateway');
  });

  it('shows windows of unknown length as reported, without placing them in a minute or a day', async () => {
    const { readings, sources } = setup();
    readings.note('key_a', { windows: [{ dimension: 'requests', scope: 'unknown', limit: 20, remaining: 3 }] }, NOW);
    const tier = await readFreeTier(sources, 'key_a', {}, NOW);
    expect(tier.minute).toEqual({ requests: null, tokens: null });
    expect(tier.day).toEqual({ requests: null, tokens: null });
    expect(tier.reported).toEqual({
      at: NOW,
      windows: [{ dimension: 'requests', scope: 'unknown', limit: 20, remaining: 3, resetsAt: null }],
    });
  });
});

describe('sumFreeTier', () => {
  const tier = (remaining: number, limit: number | null, resetsAt: number | null, source: 'gateway' | 'provider') =>
    ({
      minute: { requests: null, tokens: null },
      day: {
        requests: { limit, used: limit === null ? null : limit - remaining, remaining, resetsAt, source },
        tokens: null,
      },
      nearlySpent: false,
    }) satisfies FreeTier;

  it("sums the keys' headroom, with the soonest reset, and is nearly spent only when the sum is", () => {
    const sum = sumFreeTier([tier(1, 100, NOW + 5, 'gateway'), tier(50, 100, NOW + 2, 'gateway')]);
    expect(sum.day.requests).toEqual({ limit: 200, used: 149, remaining: 51, resetsAt: NOW + 2, source: 'gateway' });
    expect(sum.nearlySpent).toBe(false);
    expect(sumFreeTier([tier(1, 100, null, 'gateway'), tier(9, 100, null, 'gateway')]).nearlySpent).toBe(true);
  });

  it('leaves a total unknown when a key does not know it, and says when the sources mix', () => {
    const sum = sumFreeTier([tier(10, null, null, 'provider'), tier(50, 100, null, 'gateway')]);
    expect(sum.day.requests).toEqual({ limit: null, used: null, remaining: 60, resetsAt: null, source: 'mixed' });
    expect(sumFreeTier([]).day.requests).toBeNull();
  });
});
