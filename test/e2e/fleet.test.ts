// A fleet as deploy/compose.yaml runs it, tested without containers: Debian's nginx with deploy/nginx.conf in front of
// three `switchboard serve` processes sharing one redis-server; every request goes through nginx. Streams pass
// unbuffered, a WebSocket follows a run executing on another instance, a paused agent resumes elsewhere, a client
// key's rpm holds across the fleet, a provider key added on one instance is used by all, a gateway killed mid-traffic
// costs at most the streams it was serving, and a rolling restart under traffic loses nothing.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { connectWs, has, hasEvent } from '../helpers/ws-client.js';
import { agentApi, toolCall } from './agent-harness.js';
import {
  ADMIN,
  chats,
  hi,
  inRotation,
  instanceOf,
  NAMES,
  occupy,
  post as postTo,
  servedBy,
  useFleet,
} from './fleet-fixture.js';
import { nginxMissing } from './fleet-harness.js';
import { runTraffic, TRAFFIC_TEXT, type Traffic } from './fleet-traffic.js';
import { pollUntil, usageBy } from './process-harness.js';

const missing = nginxMissing();
if (missing !== undefined) console.warn(`fleet.test.ts: ${missing}`);
const BETA_KEY = 'sk-beta-added-through-nginx-01';

const title = 'a fleet of three gateways on one Redis behind nginx';
describe.skipIf(missing !== undefined)(missing === undefined ? title : `${title} (skipped: ${missing})`, () => {
  const fleet = useFleet();
  const client = (key = ADMIN) => new OpenAI({ baseURL: `${fleet.nginx.url}/v1`, apiKey: key, maxRetries: 0 });
  const post = (route: string, body: unknown, token = ADMIN) => postTo(fleet, route, body, token);

  it('passes a stream through as it comes: the first words arrive while the upstream has not finished', async () => {
    fleet.alpha.queue({ type: 'text', text: 'first second third', failAfterEvents: { count: 2, how: 'stall' } });
    const aborter = new AbortController();
    const res = await fetch(`${fleet.nginx.url}/v1/chat/completions`, {
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

    fleet.alpha.queue({ type: 'text', text: 'one two three', chunkDelayMs: 20 });
    let whole = '';
    const stream = await client().chat.completions.create({ model: 'alpha/alpha-chat', stream: true, messages: hi });
    for await (const chunk of stream) whole += chunk.choices[0]?.delta.content ?? '';
    expect(whole).toBe('one two three');
  });

  it('follows over a WebSocket a run executing on another instance', async () => {
    const ws = await connectWs(`${fleet.nginx.url.replace(/^http/, 'ws')}/v1/ws`, { authorization: `Bearer ${ADMIN}` });
    const runId = `fleet-ws-${Date.now()}`;
    ws.send({ type: 'subscribe', run_id: runId });
    await ws.until(has('subscribed'));
    // The socket holds a connection on its instance: least_conn sends the run to another one.
    fleet.alpha.queue({ type: 'text', text: 'from elsewhere', chunks: ['from ', 'elsewhere'] });
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
    const ranOn = instanceOf(chats(fleet.alpha).at(-1));
    const followedOn = await pollUntil(
      () => servedBy(fleet, 'GET', '/v1/ws'),
      (name) => name !== undefined,
    );
    expect(NAMES).toContain(ranOn);
    expect(followedOn).not.toBe(ranOn);
  });

  it('resumes through the balancer, on another instance, an agent paused on one', async () => {
    fleet.alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Name?' })],
    });
    const api = agentApi(fleet.nginx.url, ADMIN);
    const paused = await api.invoke({ instruction: 'Write a greeting function', provider: 'alpha' });
    expect(paused.body.agent_status).toBe('requires_human_input');
    const pausedOn = instanceOf(chats(fleet.alpha).at(-1));
    // Requests held open until that instance has more of them than another: least_conn then resumes elsewhere.
    const held = await occupy(fleet, pausedOn);
    try {
      fleet.alpha.queue({ type: 'text', text: 'Here:\n\n```python\ndef greet():\n    return "hi"\n```' });
      const done = await api.resume({
        thread_id: paused.body.thread_id,
        tool_call_id: 'call_q',
        human_response: 'greet',
      });
      expect(done.body).toMatchObject({ thread_id: paused.body.thread_id, agent_status: 'completed' });
      expect(NAMES).toContain(instanceOf(chats(fleet.alpha).at(-1)));
      expect(instanceOf(chats(fleet.alpha).at(-1))).not.toBe(pausedOn);
    } finally {
      held.abort();
    }
  });

  it('holds a client key to rpm 10 across the three instances', async () => {
    const made = await post('/admin/client-keys', { name: 'ten-a-minute', rpm: 10 });
    expect(made.status).toBe(201);
    fleet.alpha.setFallback({ type: 'text', text: 'ok', delayMs: 100 });
    const before = chats(fleet.alpha).length;
    const body = { model: 'alpha/alpha-chat', messages: hi };
    const answers = await Promise.all(
      Array.from({ length: 15 }, () => post('/v1/chat/completions', body, made.body.key)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(5).fill(429)]);
    expect(chats(fleet.alpha).length - before).toBe(10);
    // nginx spread them: every instance answered some of the 15.
    const lines = fleet.nginx
      .accessLog()
      .filter((line) => /"POST \/v1\/chat\/completions [^"]*" (200|429) /.test(line))
      .slice(-15);
    const ports = new Set(lines.map((line) => /upstream=127\.0\.0\.1:(\d+)/.exec(line)?.[1]));
    expect(ports.size).toBe(3);
  });

  it('uses on every instance a provider key added through one', async () => {
    const added = await post('/admin/keys', { provider: 'beta', key: BETA_KEY });
    expect(added.status).toBe(201);
    // nginx writes a request's log line after its answer, so the line may come after the client has it.
    const addedOn = await pollUntil(
      () => servedBy(fleet, 'POST', '/admin/keys'),
      (name) => name !== undefined,
    );
    const users = await pollUntil(
      async () => {
        await post('/v1/chat/completions', { model: 'beta/beta-chat', messages: hi });
        const sent = chats(fleet.beta).filter((req) => req.headers.authorization === `Bearer ${BETA_KEY}`);
        return new Set(sent.map(instanceOf));
      },
      (seen) => seen.size === NAMES.length,
    );
    expect([...users].sort()).toEqual(NAMES);
    expect(NAMES).toContain(addedOn);
  });

  it('loses to a SIGKILL at most the streams the killed instance was serving; retried, they succeed', async () => {
    fleet.alpha.setFallback({ type: 'text', text: TRAFFIC_TEXT, delayMs: 100, chunkDelayMs: 40 });
    const traffic = runTraffic(client(), { clients: 4 });
    await traffic.served(12);
    const inFlightStreams = traffic.inFlightStreams();
    const killed = await fleet.gateways[2]!.stop('SIGKILL');
    await traffic.served(traffic.count() + 24);
    const result = await traffic.stop();
    console.info(`fleet.test.ts SIGKILL: ${JSON.stringify({ ...result.figures, inFlightStreams })}`);
    expect(killed.signal).toBe('SIGKILL');
    // Non-streams nginx sends on to another instance; a stream whose answer had begun cannot be.
    expect(result.failures.filter((failure) => !failure.stream)).toEqual([]);
    expect(result.failures.length).toBeLessThanOrEqual(inFlightStreams);
    expect(result.unanswered).toBe(0);
    await fleet.gateways[2]!.start();
  });

  it('restarts the instances one by one under traffic without losing a request or breaking a stream', async () => {
    const made = await post('/admin/client-keys', { name: 'rolling' });
    fleet.alpha.setFallback({ type: 'text', text: TRAFFIC_TEXT, delayMs: 100, chunkDelayMs: 40 });
    await Promise.all(fleet.gateways.map((gateway) => inRotation(fleet, gateway)));
    const traffic: Traffic = runTraffic(client(made.body.key), { clients: 4 });
    await traffic.served(12);
    const exits = [];
    for (const gateway of fleet.gateways) {
      exits.push(await gateway.stop('SIGTERM'));
      await gateway.start();
      await inRotation(fleet, gateway);
    }
    const result = await traffic.stop();
    console.info(`fleet.test.ts rolling restart: ${JSON.stringify(result.figures)}`);
    expect(exits).toEqual(NAMES.map(() => ({ code: 0, signal: null })));
    expect(result.failures).toEqual([]);
    // Every answer the clients got is in the usage the fleet recorded (the stopped instances flushed theirs).
    const { served } = result.figures;
    const usage = await pollUntil(
      () => usageBy(fleet.nginx.url, 'client', ADMIN),
      (groups) => groups[made.body.id] === served,
    );
    expect(usage[made.body.id]).toBe(served);
  }, 90_000);
});
