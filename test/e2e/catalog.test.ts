// End to end: GET /v1/catalog lists the catalog's models with their published figures and the provider's limits, the
// live stats once a model answered, models switched off with the reason, and only its own models to a limited key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'sb-admin-catalog-e2e';
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;

interface Listed {
  data: Array<
    { id: string; active: boolean; reason?: string; stats: { samples: number } | null } & Record<string, unknown>
  >;
  providers: Array<{ id: string } & Record<string, unknown>>;
}

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  gw = await startTestGateway(
    {
      providers: [
        {
          id: 'alpha',
          protocol: 'openai',
          baseUrl: alpha.baseUrl,
          apiKeys: ['alpha-key'],
          limits: { rpm: 30, rpd: 1000 },
          models: [
            fakeModel('alpha-chat', { contextWindow: 131_072, capabilities: ['chat', 'vision'] }),
            fakeModel('alpha-paid', { costPer1M: { input: 1, output: 2 } }),
          ],
        },
        {
          id: 'beta',
          protocol: 'openai',
          baseUrl: beta.baseUrl,
          apiKeys: ['beta-key'],
          models: [fakeModel('beta-chat')],
        },
      ],
    },
    undefined,
    { SWITCHBOARD_ADMIN_KEY: ADMIN },
  );
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await Promise.all([alpha?.close(), beta?.close()]);
});

const catalog = async (token: string) => {
  const answer = await call(gw.url, 'GET', '/v1/catalog', token);
  expect(answer.status).toBe(200);
  return answer.body as Listed;
};

describe('GET /v1/catalog', () => {
  it('publishes figures and limits, measures a model once it answered, and says why a model is off', async () => {
    const before = await catalog(ADMIN);
    const chat = before.data.find((m) => m.id === 'alpha/alpha-chat');
    expect(chat).toMatchObject({
      provider: 'alpha',
      active: true,
      capabilities: ['chat', 'vision'],
      contextWindow: 131_072,
      free: true,
      stats: null,
    });
    expect(before.data.find((m) => m.id === 'alpha/alpha-paid')).toMatchObject({ free: false });
    expect(before.providers.find((p) => p.id === 'alpha')).toMatchObject({
      active: true,
      limits: { rpm: 30, rpd: 1000 },
      keys: 1,
    });

    await clientWith(gw.url, ADMIN).chat.completions.create({
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect
      .poll(async () => (await catalog(ADMIN)).data.find((m) => m.id === 'alpha/alpha-chat')?.stats)
      .toMatchObject({ samples: 1, successRate: 1 });

    expect((await call(gw.url, 'PUT', '/admin/models/beta/beta-chat/enabled', ADMIN, { enabled: false })).status).toBe(
      200,
    );
    expect((await catalog(ADMIN)).data.find((m) => m.id === 'beta/beta-chat')).toMatchObject({
      active: false,
      reason: 'switched off at run time',
    });
    await call(gw.url, 'DELETE', '/admin/models/beta/beta-chat/enabled', ADMIN);
  });

  it('shows a key limited to some models only those and their provider', async () => {
    const created = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'one', models: ['beta/*'] });
    expect(created.status).toBe(201);
    const seen = await catalog((created.body as { key: string }).key);
    expect(seen.data.map((m) => m.id)).toEqual(['beta/beta-chat']);
    expect(seen.providers.map((p) => p.id)).toEqual(['beta']);
    const anonymous = await call(gw.url, 'GET', '/v1/catalog');
    expect(anonymous.status).toBe(401);
  });
});
