// Learned limits rise again: a provider that states a higher limit than the one learned is believed, and a learned
// limit that nothing confirmed (no 429, no header restating it) within the TTL lapses back to the published one.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLearnedLimits, effectiveLimits } from '../../../src/accounts/learned-limits.js';
import type { QuotaSignal } from '../../../src/providers/rate-limits.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const TTL = 24 * HOUR;
const PUBLISHED = { rpd: 250, rpm: 30 };

const daily = (limit: number): QuotaSignal => ({ windows: [{ dimension: 'requests', scope: 'day', limit }] });

function setup() {
  const kv = createMemoryKvStore(() => NOW);
  const learned = createLearnedLimits(kv, pino({ level: 'silent' }), { ttlMs: TTL, refreshMs: 0 });
  return { kv, learned };
}

describe('learned limits that rise again', () => {
  it('takes a higher figure the provider states later, up to the published limit', async () => {
    const { learned, kv } = setup();
    learned.noteSignal('key_a', daily(20), PUBLISHED, NOW);
    expect(effectiveLimits(PUBLISHED, learned.get('key_a')).rpd).toBe(20);
    learned.noteSignal('key_a', daily(100), PUBLISHED, NOW + HOUR);
    expect(learned.get('key_a')?.rpd).toMatchObject({ value: 100, at: NOW + HOUR });
    expect(effectiveLimits(PUBLISHED, learned.get('key_a')).rpd).toBe(100);
    // Above the published limit the published one applies again.
    learned.noteSignal('key_a', daily(1_000), PUBLISHED, NOW + 2 * HOUR);
    expect(effectiveLimits(PUBLISHED, learned.get('key_a')).rpd).toBe(250);
    await learned.settled();
    expect(JSON.parse((await kv.get('learnedlimits:key_a'))!).rpd.value).toBe(1_000);
  });

  it('does not let a stale read of the store undo a raise', async () => {
    const { learned, kv } = setup();
    await kv.set('learnedlimits:key_a', JSON.stringify({ rpd: { value: 20, source: 'old', at: NOW } }));
    learned.refresh(['key_a'], NOW);
    await learned.settled();
    expect(learned.get('key_a')?.rpd?.value).toBe(20);
    learned.noteSignal('key_a', daily(120), PUBLISHED, NOW + HOUR);
    // The store still holds the old figure when the read starts (another instance wrote it back, say).
    await learned.settled();
    await kv.set('learnedlimits:key_a', JSON.stringify({ rpd: { value: 20, source: 'old', at: NOW } }));
    learned.refresh(['key_a'], NOW + HOUR + 1);
    await learned.settled();
    expect(learned.get('key_a')?.rpd?.value).toBe(120);
  });

  it('lets a limit lapse after the TTL without a 429, and keeps one a 429 confirmed', async () => {
    const { learned, kv } = setup();
    learned.noteSignal('key_a', daily(20), PUBLISHED, NOW);
    learned.noteSignal('key_b', daily(20), PUBLISHED, NOW);
    // key_b is refused with a 429 half-way: its limit holds for another TTL from then.
    learned.noteRateLimited('key_b', NOW + TTL / 2);
    learned.refresh(['key_a', 'key_b'], NOW + TTL + 1);
    await learned.settled();
    expect(learned.get('key_a')).toBeUndefined();
    expect(effectiveLimits(PUBLISHED, learned.get('key_a')).rpd).toBe(250);
    expect(await kv.get('learnedlimits:key_a')).toBeUndefined();
    expect(learned.get('key_b')?.rpd?.value).toBe(20);
    learned.refresh(['key_b'], NOW + TTL / 2 + TTL + 1);
    await learned.settled();
    expect(learned.get('key_b')).toBeUndefined();
  });

  it('is confirmed by the same figure stated again, and a lapsed limit stored elsewhere is not read back', async () => {
    const { learned, kv } = setup();
    learned.noteSignal('key_a', daily(20), PUBLISHED, NOW);
    learned.noteSignal('key_a', daily(20), PUBLISHED, NOW + TTL / 2);
    learned.refresh(['key_a'], NOW + TTL + 1);
    await learned.settled();
    expect(learned.get('key_a')?.rpd?.value).toBe(20);

    await kv.set('learnedlimits:key_c', JSON.stringify({ rpm: { value: 5, source: 'x', at: NOW } }));
    learned.refresh(['key_c'], NOW + TTL + 1);
    await learned.settled();
    expect(learned.get('key_c')).toBeUndefined();
  });

  it('still learns nothing from a first figure above the published one', () => {
    const { learned } = setup();
    learned.noteSignal('key_a', daily(5_000), PUBLISHED, NOW);
    expect(learned.get('key_a')).toBeUndefined();
  });
});
