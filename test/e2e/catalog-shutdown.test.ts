// End to end: a shutdown date takes effect on the date, not at the next rebuild. A model written with a shutdown a
// moment ahead is served until then; at that moment a timer rebuilds the registry without it, the change is noted
// (`expired`) and published on /v1/ws, and a request naming it is told it was shut down, with no upstream call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { connectWs, has } from '../helpers/ws-client.js';
import { call } from './accounts-harness.js';
import { startTestGateway, type TestGateway } from './harness.js';
import { capturedLogger } from './settings-harness.js';

const ADMIN = 'sb-admin-catalog-shutdown-e2e';
let fake: FakeUpstream;
let gw: TestGateway | undefined;

beforeAll(async () => {
  fake = await startOpenAIUpstream();
});
afterAll(async () => {
  await gw?.close();
  await fake.close();
});

const model = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  contextWindow: 8_192,
  quality: 0.5,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
  capabilities: ['chat'],
  ...extra,
});

describe('a shutdown date', () => {
  it('takes the model out of routing at that moment, notes it and publishes it', async () => {
    // Far enough ahead for the gateway to start first on a loaded CI machine, near enough for the test to wait for it.
    const shutdownAt = new Date(Date.now() + 3_000).toISOString();
    const log = capturedLogger();
    gw = await startTestGateway(
      {
        providers: [
          {
            id: 'local',
            protocol: 'openai',
            baseUrl: fake.baseUrl,
            keyless: true,
            models: [model('soon-gone', { shutdownAt }), model('stays')],
          },
        ],
      },
      log.logger,
      { SWITCHBOARD_ADMIN_KEY: ADMIN },
    );
    const ids = async () => (await gw!.client.models.list()).data.map((m) => m.id);
    expect(await ids()).toEqual(expect.arrayContaining(['local/soon-gone', 'local/stays']));
    const ws = await connectWs(`${gw.url.replace(/^http/, 'ws')}/v1/ws`, { authorization: `Bearer ${ADMIN}` });
    ws.send({ type: 'subscribe', topic: 'catalog' });
    await ws.until(has('subscribed', { topic: 'catalog' }));

    // Should it not come, the gateway's own account of the shutdown goes with the failure.
    await ws
      .until((messages) => messages.some((m) => m.type === 'event'))
      .catch((err: Error) => {
        throw new Error(`${err.message}; the gateway logged ${JSON.stringify(log.lines.map(({ msg }) => msg))}`);
      });
    const [event] = ws.events();
    expect(event).toMatchObject({
      type: 'catalog_changed',
      data: { changes: [{ provider: 'local', model: 'soon-gone', change: 'expired', detail: shutdownAt }] },
    });
    ws.ws.close();
    expect(log.lines).toContainEqual(
      expect.objectContaining({ msg: 'shutdown day reached: left routing', models: ['local/soon-gone'] }),
    );
    // The event is published after the rebuild: the model is already out.
    expect(await ids()).not.toContain('local/soon-gone');
    expect(await ids()).toContain('local/stays');
    const before = fake.requests.length;
    await expect(
      gw.client.chat.completions.create({ model: 'local/soon-gone', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toThrow(/shut it down/);
    expect(fake.requests.length).toBe(before);
    const changes = await call(gw.url, 'GET', '/admin/catalog/changes', ADMIN);
    expect((changes.body as { data: unknown[] }).data).toContainEqual({
      at: Date.parse(shutdownAt),
      provider: 'local',
      model: 'soon-gone',
      change: 'expired',
      detail: shutdownAt,
    });
  });
});
