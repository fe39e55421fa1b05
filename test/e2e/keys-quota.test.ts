// End to end: providers' own quota signals rest a key until the provider's reset: spent-quota headers on a success
// (Cerebras' names), and a Gemini 429 naming a per-day quota (until the next midnight, Pacific time).
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { geminiRateLimitReply, startGeminiUpstream } from '../fakes/gemini-wire.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import {
  ask,
  findKey,
  keysSeen,
  listKeys,
  provider,
  startKeysGateway,
  useFakesAndGateway,
  withResponseHeaders,
} from './keys-harness.js';

const ONE = 'csk-cerebras-one-1111aaaa';
const TWO = 'csk-cerebras-two-2222bbbb';
const G_ONE = 'AIzaSy-gemini-one-3333cccc';
const G_TWO = 'AIzaSy-gemini-two-4444dddd';
const BACKUP = 'sk-backup-key-5555eeee5555';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream(), startGeminiUpstream(), startOpenAIUpstream()]));
let openai: FakeUpstream;
let gemini: FakeUpstream;
let backup: FakeUpstream;
beforeAll(() => void ([openai, gemini, backup] = fx.fakes));

/** The wall-clock time of `at` in Los Angeles, "HH:MM:SS". */
function pacificTime(at: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/Los_Angeles',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

describe('provider quota signals', () => {
  it('rests a key whose success said its daily requests are spent, until the reset the headers gave', async () => {
    let answered = 0;
    // The first answer spends the day (Cerebras' header names, reset in seconds); later ones have room left.
    const proxy = await withResponseHeaders(openai, () => ({
      'x-ratelimit-limit-requests-day': '14400',
      'x-ratelimit-remaining-requests-day': answered++ === 0 ? '0' : '9000',
      'x-ratelimit-reset-requests-day': '3600',
    }));
    try {
      fx.gw = await startKeysGateway({
        providers: [
          { ...provider('cerebras', 'openai', openai, 0.9, { apiKeys: [ONE, TWO] }), baseUrl: proxy.baseUrl },
        ],
      });
      const before = Date.now();
      expect((await ask(fx.gw)).servedBy).toBe('cerebras/cerebras-chat');
      const after = Date.now();
      for (let i = 0; i < 4; i++) expect((await ask(fx.gw)).servedBy).toBe('cerebras/cerebras-chat');
      expect(keysSeen(openai)).toEqual([ONE, TWO, TWO, TWO, TWO]);

      const { keys, text } = await listKeys(fx.gw.url);
      const rested = findKey(keys, 'cerebras', ONE);
      expect(rested).toMatchObject({ status: 'cooling', reason: expect.stringContaining('quota') });
      expect(rested!.until).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(rested!.until).toBeLessThanOrEqual(after + 3_600_000);
      expect(findKey(keys, 'cerebras', TWO)).toMatchObject({ status: 'active' });
      expect(text).not.toContain(ONE);
    } finally {
      await proxy.close();
    }
  });

  it('rests a Gemini key whose 429 names a per-day quota until the next Pacific midnight, not for the retry delay', async () => {
    fx.gw = await startKeysGateway({
      providers: [
        provider('gamma', 'gemini', gemini, 0.9, { apiKeys: [G_ONE, G_TWO] }),
        provider('backup', 'openai', backup, 0.5, { apiKeys: [BACKUP] }),
      ],
    });
    gemini.queue(
      geminiRateLimitReply({ retryDelay: '38s', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }),
    );
    const before = Date.now();
    expect((await ask(fx.gw)).servedBy).toBe('gamma/gamma-chat');
    for (let i = 0; i < 3; i++) expect((await ask(fx.gw)).servedBy).toBe('gamma/gamma-chat');
    expect(keysSeen(gemini)).toEqual([G_ONE, G_TWO, G_TWO, G_TWO, G_TWO]);
    expect(backup.requests).toHaveLength(0);

    const rested = findKey((await listKeys(fx.gw.url)).keys, 'gamma', G_ONE);
    expect(rested).toMatchObject({ status: 'cooling', reason: expect.stringContaining('daily') });
    // Midnight in Los Angeles, within the next day; far beyond the 38 s RetryInfo and the 60 s default cooldown.
    expect(pacificTime(rested!.until!)).toBe('00:00:00');
    expect(rested!.until! - before).toBeGreaterThan(0);
    expect(rested!.until! - before).toBeLessThanOrEqual(25 * 3_600_000);
    expect(findKey((await listKeys(fx.gw.url)).keys, 'gamma', G_TWO)).toMatchObject({ status: 'active' });
  });

  it('rests a Gemini key whose 429 names a per-minute quota only for its retry delay', async () => {
    fx.gw = await startKeysGateway({
      providers: [provider('gamma', 'gemini', gemini, 0.9, { apiKeys: [G_ONE, G_TWO] })],
    });
    gemini.queue(geminiRateLimitReply({ retryDelay: '38s' }));
    const before = Date.now();
    await ask(fx.gw).catch(() => undefined);
    const after = Date.now();
    const rested = findKey((await listKeys(fx.gw.url)).keys, 'gamma', G_ONE);
    expect(rested).toMatchObject({ status: 'cooling', reason: expect.stringContaining('rate limited') });
    expect(rested!.until).toBeGreaterThanOrEqual(before + 38_000);
    expect(rested!.until).toBeLessThanOrEqual(after + 38_000);
  });
});
