// End to end: a hung provider does not stall its neighbours. Two providers share one upstream host; requests flooding
// the hung one neither take the healthy one's sockets nor keep waiting for the hung one once its circuit opens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderEntry } from '../../src/config/schema.js';
import type { FakeReply, FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { eventually, fakeModel, startTestGateway, type TestGateway } from './harness.js';
import { until } from './keys-harness.js';

const HEALTHY_TEXT = 'steady answer';
const messages = [{ role: 'user' as const, content: 'hello' }];

let fake: FakeUpstream;
let gw: TestGateway | undefined;

beforeEach(async () => {
  fake = await startOpenAIUpstream();
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await fake.close();
});

/** `stuck` (hung, the router's first choice) and `steady` (healthy), both on the one fake host. */
function providers(stuckLimits?: ProviderEntry['limits']): ProviderEntry[] {
  return [
    {
      id: 'stuck',
      protocol: 'openai',
      baseUrl: fake.baseUrl,
      apiKeys: ['stuck-key'],
      models: [fakeModel('hung', { quality: 0.9 })],
      ...(stuckLimits === undefined ? {} : { limits: stuckLimits }),
    },
    {
      id: 'steady',
      protocol: 'openai',
      baseUrl: fake.baseUrl,
      apiKeys: ['steady-key'],
      models: [fakeModel('fine', { quality: 0.5 })],
    },
  ] as ProviderEntry[];
}

/** Requests for `hung` get `hang`; the others an answer at once. */
function hangFor(hang: FakeReply): void {
  fake.setFallback((req) => (req.body?.model === 'hung' ? hang : { type: 'text', text: HEALTHY_TEXT }));
}

const hungRequests = () => fake.requests.filter((r) => r.body?.model === 'hung').length;

/** The gateway's `switchboard_provider_requests` gauge for `provider` and `state` (in_flight, waiting). */
async function providerRequests(provider: string, state: string): Promise<number> {
  const text = await (await fetch(`${gw!.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`switchboard_provider_requests{provider="${provider}",state="${state}"}`));
  return line === undefined ? -1 : Number(line.split(' ').at(-1));
}

describe('a hung provider', () => {
  it('does not delay a healthy provider on the same host while 150 requests wait for it', async () => {
    hangFor({ type: 'hang' });
    gw = await startTestGateway({
      providers: providers(),
      timeouts: { connectMs: 2_000, firstByteMs: 5_000, idleMs: 2_000 },
    });
    const client = gw.client;
    // More requests than the 128 sockets the gateway used to keep for one host, all to the hung provider.
    let settled = 0;
    const flood = Array.from({ length: 150 }, () =>
      client.chat.completions
        .create({ model: 'stuck/hung', messages })
        .then(
          () => 'answered',
          () => 'failed',
        )
        .finally(() => (settled += 1)),
    );
    expect(await eventually(() => hungRequests() >= 32, 5_000)).toBe(true);

    const healthy = await Promise.all(
      Array.from({ length: 5 }, () => client.chat.completions.create({ model: 'steady/fine', messages })),
    );
    // Every healthy request answered while the hung provider's requests were all still waiting for it.
    expect(healthy.map((c) => c.choices[0]!.message.content)).toEqual(Array(5).fill(HEALTHY_TEXT));
    expect(settled).toBe(0);
    await gw.close();
    gw = undefined;
    await Promise.all(flood);
  });

  it('sends the requests waiting for it to the next candidate when its circuit opens', async () => {
    let drop!: () => void;
    hangFor({ type: 'hang', drop: new Promise<void>((resolve) => (drop = resolve)) });
    gw = await startTestGateway({
      providers: providers({ concurrency: 10 }),
      // One prompt for every request: a single distinct request is enough to open the circuit here.
      accounts: { breakerMinCalls: 10, breakerMinRequests: 1 },
      // Long enough that nothing times out in this test: the upstream dropping its connections opens the circuit.
      timeouts: { connectMs: 2_000, firstByteMs: 10_000, idleMs: 10_000 },
      // All 40 plans must put stuck first (10 in flight, 30 waiting): the bandit (on by default) could draw steady first.
      routing: { bandit: { enabled: false }, complexity: { span: 0 } },
    });
    const ask = (runId: string) =>
      gw!.client.chat.completions
        .create({ model: 'auto', messages }, { headers: { 'x-switchboard-run-id': runId } })
        .withResponse()
        .then(
          ({ data, response }) => ({
            text: data.choices[0]!.message.content,
            model: response.headers.get('x-switchboard-model'),
          }),
          (err: unknown) => ({ error: String(err) }),
        );

    // Ten calls fill the hung provider's cap; thirty more wait for a slot.
    const first = Array.from({ length: 10 }, (_, i) => ask(`first-${i}`));
    expect(await eventually(() => hungRequests() === 10)).toBe(true);
    const waiting = Array.from({ length: 30 }, (_, i) => ask(`waiting-${i}`));
    expect(await until(async () => (await providerRequests('stuck', 'waiting')) === 30)).toBe(true);
    expect(await providerRequests('stuck', 'in_flight')).toBe(10);

    // The upstream drops the ten calls: ten failures open the circuit.
    drop();
    const answers = await Promise.all([...first, ...waiting]);
    expect(answers).toEqual(Array(40).fill({ text: HEALTHY_TEXT, model: 'steady/fine' }));
    // A slot freed by a failure may go to a waiter before the circuit opens (at most one per failure, so ten); every
    // other waiter left the wait because the circuit opened, without reaching the hung provider.
    expect(hungRequests()).toBeLessThanOrEqual(20);
    const records = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await fetch(`${gw!.url}/v1/runs/waiting-${i}`);
        return (await res.json()) as {
          attempts: Array<{ model: string; skipped?: true; error?: { message: string } }>;
        };
      }),
    );
    const turnedAway = records.filter(({ attempts }) =>
      attempts.some((a) => a.model === 'stuck/hung' && a.skipped && /circuit open/.test(a.error?.message ?? '')),
    );
    expect(turnedAway.length).toBeGreaterThanOrEqual(20);
    expect(await providerRequests('stuck', 'waiting')).toBe(0);
  });
});
