// End to end: key rotation and health over HTTP: both keys used, a 401 disables a key for good, a 429 cools it.
import { beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicUpstream } from '../fakes/anthropic-wire.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import {
  ask,
  findKey,
  keyOf,
  keysSeen,
  listKeys,
  provider,
  startKeysGateway,
  useFakesAndGateway,
} from './keys-harness.js';

const ONE = 'sk-alpha-one-1111aaaa1111';
const TWO = 'sk-alpha-two-2222bbbb2222';
const BETA = 'sk-beta-only-3333cccc3333';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream(), startAnthropicUpstream()]));
let alpha: FakeUpstream;
let beta: FakeUpstream;
beforeAll(() => void ([alpha, beta] = fx.fakes));

/** alpha (OpenAI wire, the router's first choice) with `alphaKeys`, and beta (Anthropic wire) as the fallback. */
async function start(alphaKeys: string[], extra: Record<string, unknown> = {}) {
  fx.gw = await startKeysGateway({
    providers: [
      provider('alpha', 'openai', alpha, 0.9, { apiKeys: alphaKeys }),
      provider('beta', 'anthropic', beta, 0.5, { apiKeys: [BETA] }),
    ],
    ...extra,
  });
  return fx.gw;
}

describe('key rotation', () => {
  it('uses both keys of a provider, alternating round robin', async () => {
    await start([ONE, TWO]);
    for (let i = 0; i < 4; i++) expect((await ask(fx.gw!, 'alpha/alpha-chat')).servedBy).toBe('alpha/alpha-chat');
    expect(keysSeen(alpha)).toEqual([ONE, TWO, ONE, TWO]);
    const { keys } = await listKeys(fx.gw!.url);
    expect([findKey(keys, 'alpha', ONE)?.uses, findKey(keys, 'alpha', TWO)?.uses]).toEqual([2, 2]);
  });

  it('takes several keys from one comma-separated environment variable (x-api-key on the Anthropic wire)', async () => {
    fx.gw = await startKeysGateway(
      { providers: [provider('beta', 'anthropic', beta, 0.5, { keyEnv: ['BETA_KEYS'] })] },
      { BETA_KEYS: 'sk-env-first-0000dddd0000,sk-env-second-000eeee000' },
    );
    for (let i = 0; i < 4; i++) await ask(fx.gw, 'beta/beta-chat');
    expect(keysSeen(beta)).toEqual([
      'sk-env-first-0000dddd0000',
      'sk-env-second-000eeee000',
      'sk-env-first-0000dddd0000',
      'sk-env-second-000eeee000',
    ]);
    expect(beta.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('key health', () => {
  it('retries the same model with the other key after a 401, never tries the refused key again, and lists it as disabled without its secret', async () => {
    await start([ONE, TWO]);
    // The provider echoes the key it refused, as OpenAI's "Incorrect API key provided: ..." does.
    alpha.setFallback((req) =>
      keyOf(req) === ONE
        ? { type: 'error', status: 401, message: `Incorrect API key provided: ${ONE}` }
        : { type: 'text', text: 'alpha answers' },
    );
    expect(await ask(fx.gw!)).toEqual({ text: 'alpha answers', servedBy: 'alpha/alpha-chat' });
    for (let i = 0; i < 5; i++)
      expect(await ask(fx.gw!)).toEqual({ text: 'alpha answers', servedBy: 'alpha/alpha-chat' });
    expect(keysSeen(alpha)).toEqual([ONE, TWO, TWO, TWO, TWO, TWO, TWO]);
    expect(beta.requests).toHaveLength(0);

    const { status, text, keys } = await listKeys(fx.gw!.url);
    expect(status).toBe(200);
    expect(findKey(keys, 'alpha', ONE)).toMatchObject({ status: 'disabled', reason: expect.stringContaining('401') });
    expect(findKey(keys, 'alpha', TWO)).toMatchObject({ status: 'active' });
    for (const secret of [ONE, TWO, BETA]) expect(text).not.toContain(secret);
  });

  it('cools a key answered 429 for its Retry-After: the same request and the next ones take the other key, never the cooled one', async () => {
    await start([ONE, TWO]);
    alpha.queue({ type: 'error', status: 429, headers: { 'retry-after': '30' } });
    const before = Date.now();
    expect((await ask(fx.gw!)).servedBy).toBe('alpha/alpha-chat');
    const after = Date.now();
    for (let i = 0; i < 4; i++) expect((await ask(fx.gw!)).servedBy).toBe('alpha/alpha-chat');
    expect(keysSeen(alpha)).toEqual([ONE, TWO, TWO, TWO, TWO, TWO]);
    expect(beta.requests).toHaveLength(0);

    const cooled = findKey((await listKeys(fx.gw!.url)).keys, 'alpha', ONE);
    expect(cooled).toMatchObject({ status: 'cooling', reason: expect.stringContaining('429') });
    expect(cooled!.until).toBeGreaterThanOrEqual(before + 30_000);
    expect(cooled!.until).toBeLessThanOrEqual(after + 30_000);
  });

  it('skips a provider whose only key is cooling: the next requests go to another provider without touching it', async () => {
    await start([ONE]);
    alpha.queue({ type: 'error', status: 429, headers: { 'retry-after': '30' } });
    expect((await ask(fx.gw!)).servedBy).toBe('beta/beta-chat');
    for (let i = 0; i < 3; i++) expect((await ask(fx.gw!)).servedBy).toBe('beta/beta-chat');
    expect(alpha.requests).toHaveLength(1);
    expect(beta.requests).toHaveLength(4);
    expect(findKey((await listKeys(fx.gw!.url)).keys, 'alpha', ONE)).toMatchObject({
      status: 'cooling',
      until: expect.any(Number),
    });
  });
});
