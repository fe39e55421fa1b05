// End to end: limits learned from what providers say. A header stating a lower daily limit keeps the next request
// away from the key before any 429; a Gemini QuotaFailure's quotaValue becomes the key's daily limit; both are shown
// with their source in the key list and the status page, and outlive a restart on the SQLite default.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { geminiRateLimitReply, startGeminiUpstream } from '../fakes/gemini-wire.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import type { StatusSnapshot } from '../../src/server/status/types.js';
import { call, tempDataDir } from './accounts-harness.js';
import { redisEnv } from './harness.js';
import {
  ADMIN_KEY,
  ask,
  findKey,
  keysSeen,
  listKeys,
  provider,
  startKeysGateway,
  useFakesAndGateway,
  withResponseHeaders,
} from './keys-harness.js';

const ALPHA = 'sk-alpha-learned-1111aaaa';
const BETA = 'sk-beta-learned-2222bbbb';
const G_ONE = 'AIzaSy-gemini-learned-3333cccc';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream(), startOpenAIUpstream(), startGeminiUpstream()]));
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gemini: FakeUpstream;
beforeAll(() => void ([alpha, beta, gemini] = fx.fakes));

async function status(url: string): Promise<StatusSnapshot> {
  const { status: code, body } = await call(url, 'GET', '/admin/status', ADMIN_KEY);
  expect(code).toBe(200);
  return body as StatusSnapshot;
}

describe('learned limits', () => {
  const dataDir = tempDataDir('learned-limits');

  it('sends the next request elsewhere once a header says the key has a lower daily limit, and keeps it after a restart', async () => {
    // Only a limit, no remaining count: nothing but the learned limit can keep the key out.
    const proxy = await withResponseHeaders(alpha, () => ({ 'x-ratelimit-limit-requests-day': '1' }));
    const providers = [
      {
        ...provider('alpha', 'openai', alpha, 0.9, { apiKeys: [ALPHA], limits: { rpd: 1000 } }),
        baseUrl: proxy.baseUrl,
      },
      provider('beta', 'openai', beta, 0.5, { apiKeys: [BETA] }),
    ];
    const env = { SWITCHBOARD_DATA_DIR: dataDir };
    try {
      fx.gw = await startKeysGateway({ providers }, env);
      expect((await ask(fx.gw)).servedBy).toBe('alpha/alpha-chat');
      expect((await ask(fx.gw)).servedBy).toBe('beta/beta-chat');
      expect(keysSeen(alpha)).toEqual([ALPHA]);
      expect(alpha.requests.every((r) => r.method !== 'POST' || r.path.includes('chat'))).toBe(true);

      const learned = findKey((await listKeys(fx.gw.url)).keys, 'alpha', ALPHA)!.learnedLimits;
      expect(learned?.rpd).toMatchObject({ value: 1, source: expect.stringContaining('headers') });
      const alphaStatus = (await status(fx.gw.url)).providers.find((p) => p.id === 'alpha')!;
      expect(alphaStatus.freeTier?.day.requests).toMatchObject({ limit: 1, remaining: 0 });
      expect(alphaStatus.keys[0]!.freeTier.learned?.rpd?.value).toBe(1);
      // The published limit beside it, for the console to show both.
      expect(alphaStatus.limits).toMatchObject({ rpd: 1000 });

      await fx.gw.close();
      fx.gw = await startKeysGateway({ providers }, env);
      expect((await ask(fx.gw)).servedBy).toBe('beta/beta-chat');
      expect(keysSeen(alpha)).toEqual([ALPHA]);
      expect(findKey((await listKeys(fx.gw.url)).keys, 'alpha', ALPHA)!.learnedLimits?.rpd?.value).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('shares a learned limit with another instance on the same Redis', async () => {
    const proxy = await withResponseHeaders(alpha, () => ({ 'x-ratelimit-limit-requests-day': '1' }));
    const providers = [
      {
        ...provider('alpha', 'openai', alpha, 0.9, { apiKeys: [ALPHA], limits: { rpd: 1000 } }),
        baseUrl: proxy.baseUrl,
      },
      provider('beta', 'openai', beta, 0.5, { apiKeys: [BETA] }),
    ];
    const env = redisEnv('learned-limits');
    try {
      fx.gw = await startKeysGateway({ providers }, env);
      expect((await ask(fx.gw)).servedBy).toBe('alpha/alpha-chat');
      await fx.gw.close();
      // A second instance (started after the first learned) counts the key against the learned limit from its first
      // call: the day's one request was made by the first instance, so it goes to beta.
      fx.gw = await startKeysGateway({ providers }, env);
      expect(findKey((await listKeys(fx.gw.url)).keys, 'alpha', ALPHA)!.learnedLimits?.rpd?.value).toBe(1);
      expect((await ask(fx.gw)).servedBy).toBe('beta/beta-chat');
      expect(keysSeen(alpha)).toEqual([ALPHA]);
    } finally {
      await proxy.close();
    }
  });

  it("learns a Gemini key's daily limit from its QuotaFailure, shows it, and rests the key", async () => {
    fx.gw = await startKeysGateway({
      providers: [
        provider('gamma', 'gemini', gemini, 0.9, { apiKeys: [G_ONE], limits: { rpd: 250 } }),
        provider('beta', 'openai', beta, 0.5, { apiKeys: [BETA] }),
      ],
    });
    gemini.queue(
      geminiRateLimitReply({
        retryDelay: '38s',
        quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
        quotaValue: '20',
      }),
    );
    expect((await ask(fx.gw)).servedBy).toBe('beta/beta-chat');
    const key = findKey((await listKeys(fx.gw.url)).keys, 'gamma', G_ONE)!;
    expect(key).toMatchObject({ status: 'cooling', learnedLimits: { rpd: { value: 20 } } });
    expect(key.learnedLimits!.rpd!.source).toContain('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
    const gamma = (await status(fx.gw.url)).providers.find((p) => p.id === 'gamma')!;
    expect(gamma.keys[0]!.freeTier.day.requests).toMatchObject({ limit: 20 });
  });
});
