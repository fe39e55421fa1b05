// A client asking for more output than a model can write (Claude Code sends max_tokens 32,000 to everything) is still
// served by that model, asked for its own maximum, as long as the prompt and that maximum fit its context window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

let upstream: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  const models = [
    fakeModel('capped', { contextWindow: 16_384, maxOutputTokens: 4_096 }),
    fakeModel('unknown-limit', { contextWindow: 16_384, quality: 0.2 }),
  ];
  gw = await startTestGateway({
    providers: [{ id: 'solo', protocol: 'openai', baseUrl: upstream.baseUrl, apiKeys: ['solo-key'], models }],
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const ask = (model: string) =>
  gw.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32_000 });

describe('max_tokens above a model’s output limit', () => {
  it('is capped at the model’s maxOutputTokens upstream, whether the model was named or chosen', async () => {
    for (const model of ['solo/capped', 'auto']) {
      const completion = await ask(model);
      expect(completion.choices[0]?.message.content).toBeTruthy();
      expect(upstream.requests.at(-1)?.body).toMatchObject({ model: 'capped', max_tokens: 4_096 });
    }
  });

  it('still rules out a model whose output limit is not known and whose window cannot hold the request', async () => {
    await expect(ask('solo/unknown-limit')).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });
});
