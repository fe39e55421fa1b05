// End to end: local servers probed (`discovery.local`). A fake OpenAI-compatible server on an ephemeral port of
// 127.0.0.1 answers its model listing and is proposed, not switched on; accepted, it serves at once with no key. A
// port nothing listens on is proposed nothing; with `local` off no port is asked.
import { createServer, type Server } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/catalog/proposals.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import { ADMIN_KEY, ask, keysSeen, startKeysGateway, until, useFakesAndGateway } from './keys-harness.js';

const fx = useFakesAndGateway(() => Promise.all([startOpenAIUpstream()]));
let local: FakeUpstream;
let closedPort: number;
beforeAll(async () => {
  [local] = fx.fakes;
  local.models = ['qwen2.5-7b-instruct', 'nomic-embed-text'];
  // A port that was free a moment ago: nothing answers there.
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

const portOf = (fake: FakeUpstream) => Number(new URL(fake.baseUrl).port);

async function proposals(): Promise<Proposal[]> {
  const { body } = await call(fx.gw!.url, 'GET', '/admin/catalog/proposals', ADMIN_KEY);
  return (body as { data: Proposal[] }).data;
}

describe('local servers', () => {
  it('proposes a server that answers on a local port, and serves it once accepted, with no key', async () => {
    const port = portOf(local);
    fx.gw = await startKeysGateway({
      providers: [],
      discovery: { local: true, localPorts: [port, closedPort], localTimeoutMs: 500 },
    });
    expect(await until(async () => (await proposals()).length > 0)).toBe(true);
    const all = await proposals();
    expect(all).toHaveLength(1);
    const [found] = all;
    expect(found).toMatchObject({
      status: 'pending',
      source: 'local',
      change: {
        kind: 'new_provider',
        entry: { id: `local-${port}`, protocol: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, keyless: true },
        models: ['qwen2.5-7b-instruct', 'nomic-embed-text'],
      },
    });
    // Proposed, not on.
    const ids = async () => (await fx.gw!.client.models.list()).data.map((m) => m.id);
    expect(await ids()).not.toContain(`local-${port}/qwen2.5-7b-instruct`);
    const chats = keysSeen(local).length;

    const accepted = await call(fx.gw.url, 'POST', `/admin/catalog/proposals/${found!.id}/accept`, ADMIN_KEY);
    expect(accepted.status).toBe(200);
    expect(await ids()).toContain(`local-${port}/qwen2.5-7b-instruct`);
    expect((await ask(fx.gw, `local-${port}/qwen2.5-7b-instruct`)).servedBy).toBe(`local-${port}/qwen2.5-7b-instruct`);
    expect(keysSeen(local).length).toBe(chats + 1);

    // Read again: the same server is not proposed twice, and one already on is not asked.
    const listings = local.requests.filter((r) => r.path.endsWith('/models')).length;
    const again = await call(fx.gw.url, 'POST', '/admin/catalog/proposals/refresh', ADMIN_KEY);
    expect(again.body).toMatchObject({ made: 0 });
    expect(local.requests.filter((r) => r.path.endsWith('/models')).length).toBe(listings);
  });

  it('asks no port with discovery.local off (the default)', async () => {
    const before = local.requests.length;
    fx.gw = await startKeysGateway({ providers: [], discovery: { localPorts: [portOf(local)] } });
    await call(fx.gw.url, 'POST', '/admin/catalog/proposals/refresh', ADMIN_KEY);
    expect(await proposals()).toEqual([]);
    expect(local.requests.length).toBe(before);
  });
});
