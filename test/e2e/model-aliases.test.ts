// End to end: model names no provider serves go through the alias table, the same on every door: the built-in
// defaults (claude-* → auto, claude-*haiku* → auto in the fastest mode), a table from the config file, and an edit of
// that table applied while the gateway runs.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import type { TestGateway } from './harness.js';
import { pollUntil } from './process-harness.js';
import { ADMIN_KEY, settingsOf, startFileGateway, testConfig, twoProviders, writeYaml } from './settings-harness.js';

let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let file: string;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
afterAll(async () => {
  await Promise.all([alpha?.close(), beta?.close()]);
});
afterEach(async () => {
  await gw?.close();
});

// A claude-* name is `auto`, expected to answer from alpha (0.9 to beta's 0.6): the bandit (on by default) would
// draw beta first now and then.
const routing = { defaultMode: 'balanced', bandit: { enabled: false }, complexity: { span: 0 } };
const config = (extra: Record<string, unknown> = {}) =>
  testConfig({ providers: twoProviders(alpha, beta), routing, ...extra });

async function start(extra: Record<string, unknown> = {}): Promise<void> {
  for (const fake of [alpha, beta]) {
    fake.requests.length = 0;
    fake.setFallback({ type: 'text', text: DEFAULT_TEXT });
  }
  file = writeYaml(config(extra));
  gw = await startFileGateway(file, { SWITCHBOARD_STORE: 'memory' });
}

const anthropic = () => new Anthropic({ baseURL: gw.url, apiKey: 'x', maxRetries: 0, timeout: 15_000 });

/** The model that answered a Messages request for `model`, or the error status. */
async function answeredBy(model: string): Promise<string | number> {
  try {
    const { response } = await anthropic()
      .messages.create({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    return response.headers.get('x-switchboard-model') ?? 'none';
  } catch (err) {
    return (err as { status: number }).status;
  }
}

/** The mode /v1/routing/explain plans `model` in. */
async function explainedMode(model: string): Promise<string> {
  const body = { model, messages: [{ role: 'user', content: 'hi' }] };
  const answer = await call(gw.url, 'POST', '/v1/routing/explain', ADMIN_KEY, body);
  expect(answer.status).toBe(200);
  return (answer.body as { mode: string }).mode;
}

describe('model aliases', () => {
  describe('with no aliases: in the config', () => {
    beforeEach(() => start());

    it('answers claude-* names with auto, the haiku ones in the fastest mode, on the Anthropic and the chat doors', async () => {
      expect(await answeredBy('claude-sonnet-4-5-20250929')).toBe('alpha/alpha-chat');
      expect(await explainedMode('claude-sonnet-4-5-20250929')).toBe('balanced');
      expect(await explainedMode('claude-3-5-haiku-20241022')).toBe('fastest');
      const chat = await gw.client.chat.completions.create({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.choices[0]!.message.content).toBe(DEFAULT_TEXT);
      // A client's own model_quality wins over the alias's mode.
      const explicit = {
        model: 'claude-haiku-4-5',
        model_quality: 'best_quality',
        messages: [{ role: 'user', content: 'hi' }],
      };
      expect((await call(gw.url, 'POST', '/v1/routing/explain', ADMIN_KEY, explicit)).body.mode).toBe('best_quality');
    });

    it('leaves other unknown names unknown', async () => {
      expect(await answeredBy('gpt-nonexistent')).toBe(404);
    });
  });

  it('takes the table of the config file instead, and an edit of it while running', async () => {
    await start({
      aliases: { 'claude-*': 'beta/beta-chat', 'gpt-4.1*': { model: 'alpha/alpha-chat', mode: 'fastest' } },
    });
    expect(await answeredBy('claude-opus-4-1')).toBe('beta/beta-chat');
    expect(await answeredBy('gpt-4.1-mini')).toBe('alpha/alpha-chat');
    // The defaults are replaced whole: no haiku rule of their own.
    expect(await explainedMode('claude-3-5-haiku-latest')).toBe('balanced');

    const since = Date.now() - 1;
    writeYaml(config({ aliases: { 'claude-*': 'alpha/alpha-chat' } }), file);
    const view = await pollUntil(
      () => settingsOf(gw.url),
      (v) => (v.lastReload?.at ?? 0) > since,
    );
    expect(view.lastReload).toMatchObject({ ok: true, applied: ['aliases'] });
    expect(await answeredBy('claude-opus-4-1')).toBe('alpha/alpha-chat');
    expect(await answeredBy('gpt-4.1-mini')).toBe(404);
  });

  it('turns aliasing off with an empty table', async () => {
    await start({ aliases: {} });
    expect(await answeredBy('claude-sonnet-4-5')).toBe(404);
  });
});
