// End to end: the catalog's changes on the event bus. A sync that changes the catalog publishes one `catalog_changed`
// event, which /v1/ws clients follow with `{"type":"subscribe","topic":"catalog"}`: the admin sees it (live, replayed
// to a late subscriber, resumed after a run id), a client key does not, a sync that changes nothing publishes nothing,
// and on Redis a subscriber on another instance gets it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/types.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { connectWs, has, type Client } from '../helpers/ws-client.js';
import { call } from './accounts-harness.js';
import { redisEnv, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'sb-admin-catalog-events-e2e';
let fake: FakeUpstream;
const open: TestGateway[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  fake = await startOpenAIUpstream();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.close();
  await Promise.all(open.splice(0).map((gw) => gw.close()));
});
afterAll(async () => {
  await fake.close();
});

async function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const gw = await startTestGateway(
    { providers: [{ id: 'local', protocol: 'openai', baseUrl: fake.baseUrl, keyless: true, models: 'discover' }] },
    undefined,
    { SWITCHBOARD_ADMIN_KEY: ADMIN, ...env },
  );
  open.push(gw);
  return gw;
}

async function follow(gw: TestGateway, key: string, extra: Record<string, unknown> = {}): Promise<Client> {
  const client = await connectWs(`${gw.url.replace(/^http/, 'ws')}/v1/ws`, { authorization: `Bearer ${key}` });
  clients.push(client);
  client.send({ type: 'subscribe', topic: 'catalog', ...extra });
  await client.until(has('subscribed', { topic: 'catalog' }));
  return client;
}

/** Everything sent to `client` before now has arrived: a pong answers after what the connection queued before it. */
async function drained(client: Client): Promise<void> {
  const pongs = client.messages.filter((m) => m.type === 'pong').length;
  client.send({ type: 'ping' });
  await client.until((messages) => messages.filter((m) => m.type === 'pong').length > pongs);
}

const catalogEvents = (client: Client): RunEvent[] => client.events().filter((e) => e.type === 'catalog_changed');
const changesOf = (event: RunEvent | undefined) => {
  if (event?.type !== 'catalog_changed') throw new Error(`not a catalog event: ${JSON.stringify(event)}`);
  return event.data.changes.map((c) => `${c.change} ${c.model}`);
};

describe('catalog_changed on /v1/ws', () => {
  it('reaches the admin live and in replays, not a client key, and only when something changed', async () => {
    fake.models = ['llama-3.1-8b-instruct'];
    const gw = await gateway();
    const created = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'alice' });
    expect(created.status).toBe(201);
    const admin = await follow(gw, ADMIN);
    const alice = await follow(gw, (created.body as { key: string }).key);
    expect(admin.messages.find((m) => m.type === 'subscribed')).toMatchObject({ replayed: 0 });

    await call(gw.url, 'POST', '/admin/catalog/sync', ADMIN);
    await admin.until((messages) => messages.some((m) => m.type === 'event'));
    const [event] = catalogEvents(admin);
    expect(event).toMatchObject({ thread_id: '#catalog', seq: 1, type: 'catalog_changed' });
    expect(event!.client).toBeUndefined();
    expect(changesOf(event)).toEqual(['appeared llama-3.1-8b-instruct']);
    await drained(alice);
    expect(alice.events()).toEqual([]);

    // The same listing again changes nothing: no event.
    const again = await call(gw.url, 'POST', '/admin/catalog/sync', ADMIN);
    expect((again.body as { changes: unknown[] }).changes).toEqual([]);
    fake.models = ['qwen2.5-coder-7b'];
    await call(gw.url, 'POST', '/admin/catalog/sync', ADMIN);
    await admin.until(() => catalogEvents(admin).length === 2);
    await drained(admin);
    expect(catalogEvents(admin)).toHaveLength(2);
    expect(changesOf(catalogEvents(admin)[1]).sort()).toEqual([
      'appeared qwen2.5-coder-7b',
      'retired llama-3.1-8b-instruct',
    ]);

    // A late subscriber gets both replayed; one resuming after the first run gets only the second.
    const late = await follow(gw, ADMIN);
    expect(late.messages.find((m) => m.type === 'subscribed')).toMatchObject({ replayed: 2 });
    const resumed = await follow(gw, ADMIN, { after_run_id: event!.run_id, after_seq: 1 });
    expect(resumed.messages.find((m) => m.type === 'subscribed')).toMatchObject({ replayed: 1 });
    expect(changesOf(catalogEvents(resumed)[0])).toContain('appeared qwen2.5-coder-7b');

    admin.send({ type: 'unsubscribe', topic: 'catalog' });
    await admin.until(has('unsubscribed', { topic: 'catalog' }));
    for (const bad of [{ topic: 'runs' }, { topic: 'catalog', run_id: 'r1' }]) {
      admin.send({ type: 'subscribe', ...bad });
      await admin.until((messages) => messages.filter((m) => m.type === 'error').length > 0);
      expect(admin.messages.at(-1)).toMatchObject({ type: 'error', code: 'bad_message' });
      admin.messages.length = 0;
    }
  });

  it('reaches a subscriber on another instance through Redis', async () => {
    fake.models = ['gemma-3-4b-it'];
    const env = redisEnv('catalog-events');
    const [one, two] = [await gateway(env), await gateway(env)];
    const watcher = await follow(two, ADMIN);
    await call(one.url, 'POST', '/admin/catalog/sync', ADMIN);
    await watcher.until(() => catalogEvents(watcher).length > 0);
    expect(changesOf(catalogEvents(watcher)[0])).toEqual(['appeared gemma-3-4b-it']);
  });
});
