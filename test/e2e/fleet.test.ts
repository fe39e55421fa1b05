// A fleet as deploy/compose.yaml runs it, tested without containers: Debian's nginx with deploy/nginx.conf in front of
// three `switchboard serve` processes sharing one redis-server; every request goes through nginx. Streams pass
// unbuffered, a WebSocket follows a run executing on another instance, a paused agent resumes elsewhere, a client
// key's rpm holds across the fleet, a provider key added on one instance is used by all, a gateway killed mid-traffic
// costs at most the streams it was serving, and a rolling restart under traffic loses nothing.
import { rmSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream, RecordedRequest } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { connectWs, has, hasEvent } from '../helpers/ws-client.js';
import { call } from './accounts-harness.js';
import { agentApi, toolCall } from './agent-harness.js';
import {
  bundleGateway,
  fleetDir,
  fleetGateway,
  freePort,
  nginxMissing,
  startNginx,
  type FleetGateway,
  type Nginx,
} from './fleet-harness.js';
import { runTraffic, TRAFFIC_TEXT, type Traffic } from './fleet-traffic.js';
import { fakeModel } from './harness.js';
import { pollUntil, usageBy, writeConfigFile } from './process-harness.js';

const missing = nginxMissing();
if (missing !== undefined) console.warn(`fleet.test.ts: ${missing}`);

const ADMIN = 'fleet-admin-key-0123456789';
const BETA_KEY = 'sk-beta-added-through-nginx-01';
const NAMES = ['gw-1', 'gw-2', 'gw-3'];
const hi = [{ role: 'user' as const, content: 'hi' }];

let dir: string;
let redis: RedisServer;
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gateways: FleetGateway[];
let nginx: Nginx;

/** The fleet instance that made an upstream call (each sends its name in a header, from its config). */
const instanceOf = (req: RecordedRequest | undefined) => String(req?.headers['x-fleet-instance']);
const chats = (fake: FakeUpstream) => fake.requests.filter((req) => req.method === 'POST');
const client = (key = ADMIN) => new OpenAI({ baseURL: `${nginx.url}/v1`, apiKey: key, maxRetries: 0 });
const post = (route: string, body: unknown, token = ADMIN) => call(nginx.url, 'POST', route, token, body);

/** The instance nginx sent the last `method path` of its access log to. */
function servedBy(method: string, route: string): string | undefined {
  const line = nginx.accessLog().findLast((entry) => entry.includes(`"${method} ${route} `));
  const port = Number(/upstream=127\.0\.0\.1:(\d+)/.exec(line ?? '')?.[1]);
  return gateways.find((gateway) => gateway.port === port)?.name;
}

/** Distinct ports, free a moment ago. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

describe.skipIf(missing !== undefined)('a fleet of three gateways on one Redis behind nginx', () => {
  beforeAll(async () => {
    dir = fleetDir();
    let bundle: string;
    [bundle, redis, alpha, beta] = await Promise.all([
      bundleGateway(dir),
      startRedisServer(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
    ]);
    const headers = { 'x-fleet-instance': '${FLEET_INSTANCE}' };
    const configFile = writeConfigFile({
      logLevel: 'warn',
      server: { shutdownGraceMs: 5_000 },
      timeouts: { connectMs: 2_000, firstByteMs: 10_000, idleMs: 10_000 },
      providers: [
        {
          id: 'alpha',
          protocol: 'openai',
          baseUrl: alpha.baseUrl,
          apiKeys: ['alpha-key'],
          headers,
          models: [fakeModel('alpha-chat')],
        },
        // No key: one is added at run time, through nginx.
        { id: 'beta', protocol: 'openai', baseUrl: beta.baseUrl, headers, models: [fakeModel('beta-chat')] },
      ],
    });
    const env = {
      REDIS_URL: redis.url,
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_MASTER_KEY: 'fleet-master-passphrase',
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
    };
    const ports = await freePorts(NAMES.length);
    gateways = NAMES.map((name, i) => fleetGateway(bundle, name, ports[i]!, configFile, env));
    await Promise.all(gateways.map((gateway) => gateway.start()));
    nginx = await startNginx(dir, ports);
  }, 60_000);
  afterAll(async () => {
    await nginx?.stop();
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop('SIGKILL')));
    await Promise.all([redis?.stop(), alpha?.close(), beta?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a stream through as it comes: the first words arrive while the upstream has not finished', async () => {
    alpha.queue({ type: 'text', text: 'first second third', failAfterEvents: { count: 2, how: 'stall' } });
    const aborter = new AbortController();
    const res = await fetch(`${nginx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'alpha/alpha-chat', stream: true, messages: hi }),
      signal: aborter.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // The upstream stalls after "first" for good: buffered, nothing would ever come.
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"first ')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).not.toContain('[DONE]');
    aborter.abort();

    alpha.queue({ type: 'text', text: 'one two three', chunkDelayMs: 20 });
    let whole = '';
    const stream = await client().chat.completions.create({ model: 'alpha/alpha-chat', stream: true, messages: hi });
    for await (const chunk of stream) whole += chunk.choices[0]?.delta.content ?? '';
    expect(whole).toBe('one two three');
  });

  it('follows over a WebSocket a run executing on another instance', async () => {
    const ws = await connectWs(`${nginx.url.replace(/^http/, 'ws')}/v1/ws`, { authorization: `Bearer ${ADMIN}` });
    const runId = `fleet-ws-${Date.now()}`;
    ws.send({ type: 'subscribe', run_id: runId });
    await ws.until(has('subscribed'));
    // The socket holds a connection on its instance: least_conn sends the run to another one.
    alpha.queue({ type: 'text', text: 'from elsewhere', chunks: ['from ', 'elsewhere'] });
    const stream = await client().chat.completions.create(
      { model: 'alpha/alpha-chat', stream: true, messages: hi },
      { headers: { 'x-switchboard-run-id': runId } },
    );
    for await (const _chunk of stream);
    await ws.until(hasEvent(runId, 'run_finished'));
    const events = ws.events(runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((event) => event.type === 'token')).toHaveLength(2);
    ws.ws.close();
    await ws.closed;
    const ranOn = instanceOf(chats(alpha).at(-1));
    const followedOn = await pollUntil(
      () => servedBy('GET', '/v1/ws'),
      (name) => name !== undefined,
    );
    expect(NAMES).toContain(ranOn);
    expect(followedOn).not.toBe(ranOn);
  });

  it('resumes through the balancer, on another instance, an agent paused on one', async () => {
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Name?' })],
    });
    const api = agentApi(nginx.url, ADMIN);
    const paused = await api.invoke({ instruction: 'Write a greeting function', provider: 'alpha' });
    expect(paused.body.agent_status).toBe('requires_human_input');
    const pausedOn = instanceOf(chats(alpha).at(-1));
    // Requests held open until that instance has more of them than another: least_conn then resumes elsewhere.
    const held = await occupy(pausedOn);
    try {
      alpha.queue({ type: 'text', text: 'Here:\n\n```python\ndef greet():\n    return "hi"\n```' });
      const done = await api.resume({
        thread_id: paused.body.thread_id,
        tool_call_id: 'call_q',
        human_response: 'greet',
      });
      expect(done.body).toMatchObject({ thread_id: paused.body.thread_id, agent_status: 'completed' });
      expect(NAMES).toContain(instanceOf(chats(alpha).at(-1)));
      expect(instanceOf(chats(alpha).at(-1))).not.toBe(pausedOn);
    } finally {
      held.abort();
    }
  });

  it('holds a client key to rpm 10 across the three instances', async () => {
    const made = await post('/admin/client-keys', { name: 'ten-a-minute', rpm: 10 });
    expect(made.status).toBe(201);
    alpha.setFallback({ type: 'text', text: 'ok', delayMs: 100 });
    const before = chats(alpha).length;
    const body = { model: 'alpha/alpha-chat', messages: hi };
    const answers = await Promise.all(
      Array.from({ length: 15 }, () => post('/v1/chat/completions', body, made.body.key)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(5).fill(429)]);
    expect(chats(alpha).length - before).toBe(10);
    // nginx spread them: every instance answered some of the 15.
    const lines = nginx
      .accessLog()
      .filter((line) => line.includes('"POST /v1/chat/completions '))
      .slice(-15);
    const ports = new Set(lines.map((line) => /upstream=127\.0\.0\.1:(\d+)/.exec(line)?.[1]));
    expect(ports.size).toBe(3);
  });

  it('uses on every instance a provider key added through one', async () => {
    const added = await post('/admin/keys', { provider: 'beta', key: BETA_KEY });
    expect(added.status).toBe(201);
    const addedOn = servedBy('POST', '/admin/keys');
    const users = await pollUntil(
      async () => {
        await post('/v1/chat/completions', { model: 'beta/beta-chat', messages: hi });
        const sent = chats(beta).filter((req) => req.headers.authorization === `Bearer ${BETA_KEY}`);
        return new Set(sent.map(instanceOf));
      },
      (seen) => seen.size === NAMES.length,
    );
    expect([...users].sort()).toEqual(NAMES);
    expect(NAMES).toContain(addedOn);
  });

  it('loses to a SIGKILL at most the streams the killed instance was serving; retried, they succeed', async () => {
    alpha.setFallback({ type: 'text', text: TRAFFIC_TEXT, delayMs: 100, chunkDelayMs: 40 });
    const traffic = runTraffic(client(), { clients: 4 });
    await traffic.served(12);
    const inFlightStreams = traffic.inFlightStreams();
    const killed = await gateways[2]!.stop('SIGKILL');
    await traffic.served(traffic.count() + 24);
    const result = await traffic.stop();
    console.info(`fleet.test.ts SIGKILL: ${JSON.stringify({ ...result.figures, inFlightStreams })}`);
    expect(killed.signal).toBe('SIGKILL');
    // Non-streams nginx sends on to another instance; a stream whose answer had begun cannot be.
    expect(result.failures.filter((failure) => !failure.stream)).toEqual([]);
    expect(result.failures.length).toBeLessThanOrEqual(inFlightStreams);
    expect(result.unanswered).toBe(0);
    await gateways[2]!.start();
  });

  it('restarts the instances one by one under traffic without losing a request or breaking a stream', async () => {
    const made = await post('/admin/client-keys', { name: 'rolling' });
    alpha.setFallback({ type: 'text', text: TRAFFIC_TEXT, delayMs: 100, chunkDelayMs: 40 });
    await Promise.all(gateways.map((gateway) => inRotation(gateway)));
    const traffic: Traffic = runTraffic(client(made.body.key), { clients: 4 });
    await traffic.served(12);
    const exits = [];
    for (const gateway of gateways) {
      exits.push(await gateway.stop('SIGTERM'));
      await gateway.start();
      await inRotation(gateway);
    }
    const result = await traffic.stop();
    console.info(`fleet.test.ts rolling restart: ${JSON.stringify(result.figures)}`);
    expect(exits).toEqual(NAMES.map(() => ({ code: 0, signal: null })));
    expect(result.failures).toEqual([]);
    // Every answer the clients got is in the usage the fleet recorded (the stopped instances flushed theirs).
    const { served } = result.figures;
    const usage = await pollUntil(
      () => usageBy(nginx.url, 'client', ADMIN),
      (groups) => groups[made.body.id] === served,
    );
    expect(usage[made.body.id]).toBe(served);
  }, 90_000);
});

/**
 * Sends chat requests that the upstream never answers through nginx until `instance` holds more of them than some
 * other instance; aborting the returned controller lets them go.
 */
async function occupy(instance: string): Promise<AbortController> {
  const held = new AbortController();
  const count = new Map<string, number>();
  for (let i = 0; i < 2 * NAMES.length; i++) {
    const before = alpha.requests.length;
    alpha.queue({ type: 'hang' });
    void fetch(`${nginx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'alpha/alpha-chat', messages: hi }),
      signal: held.signal,
    }).catch(() => undefined);
    const name = instanceOf(
      await pollUntil(
        () => alpha.requests[before],
        (req) => req !== undefined,
      ),
    );
    count.set(name, (count.get(name) ?? 0) + 1);
    if ((count.get(instance) ?? 0) > Math.min(...NAMES.map((other) => count.get(other) ?? 0))) return held;
  }
  held.abort();
  throw new Error(`could not hold more requests on ${instance} than elsewhere: ${JSON.stringify([...count])}`);
}

/** Resolves once `gateway` is ready (asked directly, as an orchestrator does) and nginx sends it requests again. */
async function inRotation(gateway: FleetGateway): Promise<void> {
  await pollUntil(
    () =>
      fetch(`${gateway.url}/health/ready`).then(
        (res) => res.status,
        () => 0,
      ),
    (status) => status === 200,
  );
  const before = chats(alpha).length;
  await pollUntil(
    async () => {
      await post('/v1/chat/completions', { model: 'alpha/alpha-chat', messages: hi });
      return chats(alpha)
        .slice(before)
        .some((req) => instanceOf(req) === gateway.name);
    },
    (back) => back,
  );
}
