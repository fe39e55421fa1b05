// End to end: upstream limits and circuits over HTTP: rpm sends the overflow elsewhere before it reaches the provider,
// a 429 with the earliest Retry-After when nothing can serve, and a provider's circuit opening and closing again.
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import {
  ask,
  askFailing,
  findKey,
  listKeys,
  provider,
  startKeysGateway,
  until,
  useFakesAndGateway,
} from './keys-harness.js';

const ALPHA = 'sk-alpha-only-1111aaaa1111';
const BETA = 'sk-beta-only-2222bbbb2222';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]));
let alpha: FakeUpstream;
let beta: FakeUpstream;
beforeAll(() => void ([alpha, beta] = fx.fakes));

/** alpha (the router's first choice) and beta (the fallback), one key each, with the limits given. */
async function start(limits: { alpha?: object; beta?: object } = {}, extra: Record<string, unknown> = {}) {
  fx.gw = await startKeysGateway({
    providers: [
      provider('alpha', 'openai', alpha, 0.9, { apiKeys: [ALPHA], ...(limits.alpha ? { limits: limits.alpha } : {}) }),
      provider('beta', 'openai', beta, 0.5, { apiKeys: [BETA], ...(limits.beta ? { limits: limits.beta } : {}) }),
    ],
    ...extra,
  });
  return fx.gw;
}

/** The Retry-After of a RateLimitError, in seconds. */
function retryAfterOf(err: unknown): number {
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  const header = (err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after');
  expect(header).toMatch(/^\d+$/);
  return Number(header);
}

describe('upstream limits', () => {
  it('with rpm 2 on a single key, sends the third request of the minute elsewhere before it reaches the provider', async () => {
    await start({ alpha: { rpm: 2 } });
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await ask(fx.gw!)).servedBy);
    expect(served).toEqual(['alpha/alpha-chat', 'alpha/alpha-chat', 'beta/beta-chat', 'beta/beta-chat']);
    expect(alpha.requests).toHaveLength(2);
    expect(beta.requests).toHaveLength(2);
    expect(findKey((await listKeys(fx.gw!.url)).keys, 'alpha', ALPHA)).toMatchObject({
      status: 'cooling',
      until: expect.any(Number),
    });
  });

  it("answers 429 in OpenAI's shape with a Retry-After when every candidate is at its limits, calling no provider", async () => {
    await start({ alpha: { rpm: 1 }, beta: { rpm: 1 } });
    expect((await ask(fx.gw!)).servedBy).toBe('alpha/alpha-chat');
    expect((await ask(fx.gw!)).servedBy).toBe('beta/beta-chat');
    for (let i = 0; i < 2; i++) {
      const err = await askFailing(fx.gw!);
      const seconds = retryAfterOf(err);
      // A minute, plus up to one 5 s bucket: a partly expired bucket of the sliding window counts whole.
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(65);
      const body = (err as InstanceType<typeof OpenAI.RateLimitError>).error as object;
      expect(schemaErrors.error({ error: body })).toEqual([]);
      expect(body).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    }
    expect(alpha.requests).toHaveLength(1);
    expect(beta.requests).toHaveLength(1);
  });

  it('gives the earliest time any candidate can serve again as Retry-After', async () => {
    // alpha is out for most of a minute (rpm 1), beta's only key cools for 7 s: the client should come back in 7.
    await start({ alpha: { rpm: 1 } });
    beta.queue({ type: 'error', status: 429, headers: { 'retry-after': '7' } });
    expect((await ask(fx.gw!)).servedBy).toBe('alpha/alpha-chat');
    const seconds = [retryAfterOf(await askFailing(fx.gw!)), retryAfterOf(await askFailing(fx.gw!))];
    for (const s of seconds) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(7);
    }
    // The first failure called beta once (and got its 429); the second called nobody.
    expect(alpha.requests).toHaveLength(1);
    expect(beta.requests).toHaveLength(1);
  });
});

/** alpha, then beta, in that order: measured failures would otherwise rank alpha after beta on their own. */
const ALPHA_THEN_BETA = ['alpha/alpha-chat', { models: ['beta/beta-chat'] }] as const;

/** A circuit that opens after 2 failed calls of any requests (these tests send the same prompt every time). */
const TWO_FAILURES = { accounts: { breakerMinCalls: 2, breakerMinRequests: 1, breakerCooldownMs: 800 } };

describe('circuit breaker', () => {
  it('skips a provider after 2 failed calls, lets one trial through after the cooldown, and closes on its success', async () => {
    await start({}, TWO_FAILURES);
    alpha.setFallback({ type: 'error', status: 500 });
    for (let i = 0; i < 2; i++) expect((await ask(fx.gw!, ...ALPHA_THEN_BETA)).servedBy).toBe('beta/beta-chat');
    expect(alpha.requests).toHaveLength(2);

    // Open: alpha is left out of the plan.
    expect((await ask(fx.gw!, ...ALPHA_THEN_BETA)).servedBy).toBe('beta/beta-chat');
    expect(alpha.requests).toHaveLength(2);

    // After the cooldown one request goes to alpha; until then every request goes to beta, none to alpha.
    alpha.setFallback({ type: 'text', text: 'alpha is back' });
    expect(
      await until(async () => (await ask(fx.gw!, ...ALPHA_THEN_BETA)).servedBy === 'alpha/alpha-chat', 5_000),
    ).toBe(true);
    expect(alpha.requests).toHaveLength(3);

    // The trial's success closed the circuit: alpha serves again, every time.
    for (let i = 0; i < 3; i++)
      expect(await ask(fx.gw!, ...ALPHA_THEN_BETA)).toEqual({ text: 'alpha is back', servedBy: 'alpha/alpha-chat' });
    expect(alpha.requests).toHaveLength(6);
  });

  it('opens again when the trial fails', async () => {
    await start({}, TWO_FAILURES);
    alpha.setFallback({ type: 'error', status: 503 });
    for (let i = 0; i < 2; i++) await ask(fx.gw!, ...ALPHA_THEN_BETA);
    expect(await until(async () => (await ask(fx.gw!, ...ALPHA_THEN_BETA), alpha.requests.length === 3), 5_000)).toBe(
      true,
    );
    // The failed trial reopened the circuit: the next request goes to beta without touching alpha.
    expect((await ask(fx.gw!, ...ALPHA_THEN_BETA)).servedBy).toBe('beta/beta-chat');
    expect(alpha.requests).toHaveLength(3);
  });
});
