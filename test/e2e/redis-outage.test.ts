// End to end on a Redis of its own that goes down, then comes back empty, under two gateway instances: requests fail
// fast (503 state_unavailable) or degrade as documented, /health/ready tells, auth stays on, and the vault keeps its
// meta record.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { connectWs } from '../helpers/ws-client.js';
import { call, clientWith } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';
import { until } from './keys-harness.js';

const ADMIN = 'admin-token-redis-outage-e2e';
const MASTER = 'master-key-redis-outage-e2e';
const BETA_KEY = 'sk-beta-vault-key-before-outage-01';
const GAMMA_KEY = 'sk-gamma-vault-key-after-outage-02';
const ask = { model: 'alpha/alpha-chat', messages: [{ role: 'user' as const, content: 'hi' }] };

let redis: RedisServer;
let alpha: FakeUpstream;
let a: TestGateway;
let b: TestGateway;
const logs: string[] = [];
const keys: { plain?: string; limited?: string } = {};

const config = () => ({
  providers: [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['alpha-key'],
      models: [fakeModel('alpha-chat')],
    },
    { id: 'beta', protocol: 'openai', baseUrl: alpha.baseUrl, models: [fakeModel('beta-chat')] },
    { id: 'gamma', protocol: 'openai', baseUrl: alpha.baseUrl, models: [fakeModel('gamma-chat')] },
  ],
});
const env = () => ({
  REDIS_URL: redis.url,
  SWITCHBOARD_REDIS_TIMEOUT_MS: '300',
  SWITCHBOARD_ADMIN_KEY: ADMIN,
  SWITCHBOARD_MASTER_KEY: MASTER,
});
/** A logger whose warnings and errors the tests read. */
const capturing = () => pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });

beforeAll(async () => {
  [redis, alpha] = await Promise.all([startRedisServer(), startOpenAIUpstream()]);
  a = await startTestGateway(config(), capturing(), env());
  b = await startTestGateway(config(), capturing(), env());
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([alpha?.close(), redis?.stop()]);
});

async function createClientKey(gw: TestGateway, body: Record<string, unknown>): Promise<string> {
  const answer = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, body);
  expect(answer.status).toBe(201);
  return answer.body.key as string;
}

describe('a Redis outage under two instances', () => {
  it('before: client keys and a vault key made on A work on both', async () => {
    keys.plain = await createClientKey(a, { name: 'plain' });
    keys.limited = await createClientKey(a, { name: 'limited', rpm: 1000 });
    expect((await call(a.url, 'POST', '/admin/keys', ADMIN, { provider: 'beta', key: BETA_KEY })).status).toBe(201);
    for (const gw of [a, b]) {
      for (const key of [keys.plain, keys.limited]) {
        const answer = await clientWith(gw.url, key).chat.completions.create(ask);
        expect(answer.choices[0]!.message.content).toBeTruthy();
      }
    }
    expect((await call(a.url, 'GET', '/health/ready')).status).toBe(200);
  });

  it('while stalled (no answers on open connections): commands time out and the request gets 503', async () => {
    redis.pause();
    try {
      const limited = await call(a.url, 'POST', '/v1/chat/completions', keys.limited, ask);
      expect([limited.status, limited.body.error.code]).toEqual([503, 'state_unavailable']);
      expect((await call(b.url, 'GET', '/health/ready')).status).toBe(503);
    } finally {
      redis.resume();
    }
    expect((await call(a.url, 'POST', '/v1/chat/completions', keys.limited, ask)).status).toBe(200);
  });

  it('while down: what needs shared state answers 503 state_unavailable at once; what may degrade is served', async () => {
    await redis.stop();
    // Each of these answers while Redis is still down: none waits for it to come back (it does not, in this test).
    const limited = await call(a.url, 'POST', '/v1/chat/completions', keys.limited, ask);
    expect(limited.status).toBe(503);
    expect(limited.body.error.code).toBe('state_unavailable');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const adminWrite = await call(b.url, 'POST', '/admin/client-keys', ADMIN, { name: 'during outage' });
    expect([adminWrite.status, adminWrite.body.error.code]).toEqual([503, 'state_unavailable']);
    const vaultWrite = await call(a.url, 'POST', '/admin/keys', ADMIN, { provider: 'gamma', key: GAMMA_KEY });
    expect([vaultWrite.status, vaultWrite.body.error.code]).toEqual([503, 'state_unavailable']);
    // Degraded: a key without limits is checked against the keys this instance last read; auth stays on.
    for (const gw of [a, b]) {
      const served = await call(gw.url, 'POST', '/v1/chat/completions', keys.plain, ask);
      expect(served.status).toBe(200);
      expect((await call(gw.url, 'POST', '/v1/chat/completions', undefined, ask)).status).toBe(401);
    }
    // Agent threads are checkpointed in Redis: no run starts without it.
    const agent = await call(a.url, 'POST', '/v1/agents/code/invoke', keys.plain, { instruction: 'say hi' });
    expect([agent.status, agent.body.error?.code]).toEqual([503, 'state_unavailable']);
    // Following a run needs the event log: the subscription fails with a message instead of hanging.
    const ws = await connectWs(`${b.url.replace(/^http/, 'ws')}/v1/ws`, { authorization: `Bearer ${keys.plain}` });
    ws.send({ type: 'subscribe', run_id: 'run-during-outage' });
    await ws.until((messages) => messages.some((m) => m.type === 'error'));
    expect(ws.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'unavailable' });
    ws.ws.close();
    const stream = await clientWith(b.url, keys.plain!).chat.completions.create({ ...ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).not.toBe('');

    const ready = await call(a.url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
    expect(ready.body.stores).toMatchObject({ reachable: false });
    expect((await call(a.url, 'GET', '/health/live')).status).toBe(200);
    expect((await call(a.url, 'GET', '/health')).body.status).toBe('ok');
  });

  it('back empty: auth stays on on both instances, and they say what happened', async () => {
    redis = await startRedisServer({ port: redis.port });
    for (const gw of [a, b]) {
      expect(await until(async () => (await call(gw.url, 'GET', '/health/ready')).status === 200, 10_000)).toBe(true);
    }
    // Let each instance re-read the (now empty) client keys.
    for (const gw of [a, b]) await gw.gateway.accounts.clientKeys.refresh();
    for (const gw of [a, b]) {
      const keyless = await call(gw.url, 'POST', '/v1/chat/completions', undefined, ask);
      expect(keyless.status).toBe(401);
      expect((await call(gw.url, 'POST', '/v1/chat/completions', keys.plain, ask)).status).toBe(401);
      expect((await call(gw.url, 'POST', '/v1/chat/completions', ADMIN, ask)).status).toBe(200);
    }
    expect(logs.some((line) => /client keys.*(vanished|lost)/i.test(line) && /auth stays on/i.test(line))).toBe(true);
  });

  it('back empty: a vault write keeps the meta record with its entry, so a new instance opens the vault', async () => {
    const added = await call(a.url, 'POST', '/admin/keys', ADMIN, { provider: 'gamma', key: GAMMA_KEY });
    expect(added.status).toBe(201);
    const c = await startTestGateway(config(), pino({ level: 'silent' }), env());
    try {
      const models = await call(c.url, 'GET', '/v1/models', ADMIN);
      expect((models.body.data as Array<{ id: string }>).map((m) => m.id)).toContain('gamma/gamma-chat');
    } finally {
      await c.close();
    }
  });
});
