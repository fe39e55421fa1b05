// End to end over /v1/ws with the ws client: live runs, threads, replay after a dropped connection, slow consumers.
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRunEmitter } from '../../src/events/publisher.js';
import type { EventPayloads, RunEvent } from '../../src/events/types.js';
import type { EventLog } from '../../src/storage/types.js';
import { connectWs, has, hasEvent } from '../helpers/ws-client.js';
import { startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
let _log: EventLog;
let wsUrl: string;
const logLines: string[] = [];

beforeAll(async () => {
  fakes = await startThreeProtocols();
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  gw = await startTestGateway(
    {
      providers: fakes.providers,
      // The runs' events name the models that answer in turn (alpha first): no bandit draws (on by default) here.
      routing: { bandit: { enabled: false } },
      events: { maxEventsPerRun: 100_000, retentionMs: 60_000, maxQueuedMessages: 16, maxBufferedBytes: 256 * 1024 },
    },
    logger,
  );
  _log = gw.gateway.stores.eventLog;
  wsUrl = `${gw.url.replace(/^http/, 'ws')}/v1/ws`;
});
afterAll(async () => {
  await gw.close();
  await fakes.closeAll();
});

const connect = (url = wsUrl) => connectWs(url);
const trace = (events: RunEvent[]) => events.map((e) => (e.node ? `${e.type}:${e.node}` : e.type));
const seqs = (events: RunEvent[]) => events.map((e) => e.seq);
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const started = (): EventPayloads['run_started'] => ({ kind: 'agent', agent: 'code', resume: false });
const finished = (): EventPayloads['run_finished'] => ({ agent_status: 'completed', model: null, files_written: [] });

describe('/v1/ws', () => {
  it('streams a chat run, subscribed before it started, in order under the run id the client chose', async () => {
    const client = await connect();
    client.send({ type: 'subscribe', run_id: 'ws-chat-run' });
    await client.until(has('subscribed', { run_id: 'ws-chat-run', replayed: 0 }));
    fakes.alpha.queue({ type: 'error', status: 503 });
    fakes.beta.queue({ type: 'text', text: 'one two', chunks: ['one ', 'two'] });
    const completion = await gw.client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: { 'x-switchboard-run-id': 'ws-chat-run' } },
    );
    for await (const _chunk of completion);
    await client.until(hasEvent('ws-chat-run', 'run_finished'));
    const events = client.events();
    expect(trace(events)).toEqual([
      'run_started',
      'node_started:classify',
      'node_finished:classify',
      'node_started:route',
      'route_decided:route',
      'node_finished:route',
      'node_started:call',
      'node_finished:call',
      'attempt_failed:call',
      'node_started:call',
      'node_finished:call',
      'node_started:judge',
      'node_finished:judge',
      'token:call',
      'token:call',
      'run_finished',
    ]);
    expect(seqs(events)).toEqual(oneToN(events.length));
    expect(events.filter((e) => e.type === 'token').map((e) => e.data['text'])).toEqual(['one ', 'two']);
    client.ws.close();
  });

  it('follows every run of a thread, including one that starts after subscribing, and replays the thread to a late subscriber', async () => {
    const client = await connect();
    const first = createRunEmitter(gw.gateway.bus, 'agent-1', 'thread-a');
    first.emit('run_started', undefined, started);
    first.emit('node_started', 'agent');
    client.send({ type: 'subscribe', thread_id: 'thread-a' });
    await client.until(has('subscribed', { thread_id: 'thread-a', replayed: 2 }));
    first.emit('tool_call', 'agent', () => ({ tool_call_id: 'call_0', name: 'read_file', args: {} }));
    first.emit('run_finished', undefined, finished);
    const second = createRunEmitter(gw.gateway.bus, 'agent-2', 'thread-a');
    const elsewhere = createRunEmitter(gw.gateway.bus, 'agent-x', 'thread-b');
    elsewhere.emit('run_started', undefined, started);
    second.emit('run_started', undefined, started);
    second.emit('interrupt', 'tools', () => ({ question: 'Overwrite?', tool_call_id: 'call_1', kind: 'question' }));
    second.emit('run_finished', undefined, finished);
    await client.until(hasEvent('agent-2', 'run_finished'));
    const order = client.events().map((e) => `${e.run_id}:${e.type}`);
    expect(order).toEqual([
      'agent-1:run_started',
      'agent-1:node_started',
      'agent-1:tool_call',
      'agent-1:run_finished',
      'agent-2:run_started',
      'agent-2:interrupt',
      'agent-2:run_finished',
    ]);
    const late = await connect();
    late.send({ type: 'subscribe', thread_id: 'thread-a' });
    await late.until(hasEvent('agent-2', 'run_finished'));
    expect(late.messages[0]).toEqual({ type: 'subscribed', thread_id: 'thread-a', replayed: 7 });
    expect(late.events().map((e) => `${e.run_id}:${e.type}`)).toEqual(order);
    client.ws.close();
    late.ws.close();
  });

  it('gives a client that dropped mid-run every event exactly once when it resubscribes with after_seq', async () => {
    const run = createRunEmitter(gw.gateway.bus, 'dropped-run');
    const first = await connect();
    first.send({ type: 'subscribe', run_id: 'dropped-run' });
    await first.until(has('subscribed'));
    run.emit('run_started', 'call', started);
    for (let i = 1; i < 5; i++) run.emit('token', 'call', () => ({ text: String(i) }));
    await first.until((m) => m.filter((x) => x.type === 'event').length === 5);
    first.ws.terminate();
    await first.closed;
    for (let i = 0; i < 5; i++) run.emit('token', 'call', () => ({ text: String(i) }));
    const lastSeen = first.events().at(-1)!.seq;
    const second = await connect();
    second.send({ type: 'subscribe', run_id: 'dropped-run', after_seq: lastSeen });
    // Keep the run going while the resubscription is served: events land before, during and after its replay.
    let emitted = 10;
    while (!second.messages.some((m) => m.type === 'subscribed') || emitted < 30) {
      run.emit('token', 'call', () => ({ text: String(emitted) }));
      emitted += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    run.emit('run_finished', undefined, finished);
    await second.until(hasEvent('dropped-run', 'run_finished'));
    const all = [...first.events(), ...second.events()];
    expect(seqs(all)).toEqual(oneToN(emitted + 1));
    expect(second.messages[0]).toMatchObject({ type: 'subscribed', run_id: 'dropped-run' });
    second.ws.close();
  });

  it('cuts off a client that stopped reading, while a fast one gets everything; the cut-off one resumes with after_seq', async () => {
    const run = createRunEmitter(gw.gateway.bus, 'flood-run');
    const fast = await connect();
    const slow = await connect();
    for (const client of [fast, slow]) client.send({ type: 'subscribe', run_id: 'flood-run' });
    await Promise.all([fast.until(has('subscribed')), slow.until(has('subscribed'))]);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const blob = 'x'.repeat(64 * 1024);
    const cutOff = () => logLines.some((line) => line.includes('fell behind'));
    let emitted = 0;
    // Bounded: the kernel's socket buffers take a few MB before the server's own bound is hit; 1,000 events are 64 MB.
    while (!cutOff() && emitted < 1_000) {
      if (emitted === 0) run.emit('run_started', 'call', started);
      else run.emit('token', 'call', () => ({ text: blob }));
      emitted += 1;
      await fast.until((m) => m.length === emitted + 1);
    }
    expect(cutOff()).toBe(true);
    // A late subscriber's replay (MBs, far past the 256 KiB bound) is paced by the socket, so it is not cut off.
    const late = await connect();
    late.send({ type: 'subscribe', run_id: 'flood-run' });
    await late.until(has('subscribed'));
    run.emit('run_finished', undefined, finished);
    await fast.until(hasEvent('flood-run', 'run_finished'));
    expect(seqs(fast.events())).toEqual(oneToN(emitted + 1));
    await late.until(hasEvent('flood-run', 'run_finished'));
    expect(seqs(late.events())).toEqual(oneToN(emitted + 1));

    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    expect(await slow.closed).toMatchObject({ code: 1013 });
    const got = slow.events();
    expect(got.length).toBeLessThan(emitted);
    expect(seqs(got)).toEqual(oneToN(got.length));
    expect(slow.messages.at(-1)).toMatchObject({
      type: 'error',
      code: 'slow_consumer',
      message: expect.stringMatching(/^fell behind/),
    });

    const back = await connect();
    back.send({ type: 'subscribe', run_id: 'flood-run', after_seq: got.at(-1)?.seq ?? 0 });
    await back.until(hasEvent('flood-run', 'run_finished'));
    expect(seqs([...got, ...back.events()])).toEqual(oneToN(emitted + 1));
    for (const client of [fast, late, back]) client.ws.close();
  });

  it('answers ping with pong, and a bad message with an error naming it, without disconnecting', async () => {
    const client = await connect();
    client.send({ type: 'ping' });
    await client.until(has('pong'));
    client.ws.send('{not json');
    client.send({ type: 'subscribe', runId: 'camel' });
    client.send({ type: 'unsubscribe', run_id: 'never-subscribed' });
    client.send({ type: 'ping' });
    await client.until((m) => m.filter((x) => x.type === 'pong').length === 2);
    const errors = client.messages.filter((m) => m.type === 'error');
    expect(errors).toEqual([
      { type: 'error', code: 'bad_message', message: expect.stringMatching(/^not JSON: /) },
      { type: 'error', code: 'bad_message', message: expect.stringContaining('Unrecognized key: "runId"') },
      { type: 'error', code: 'not_subscribed', message: 'not subscribed to run never-subscribed' },
    ]);
    expect(JSON.stringify(errors)).not.toMatch(/at .*\.ts:\d+/);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('stops sending a run after unsubscribe', async () => {
    const client = await connect();
    const quiet = createRunEmitter(gw.gateway.bus, 'quiet-run');
    const loud = createRunEmitter(gw.gateway.bus, 'loud-run');
    client.send({ type: 'subscribe', run_id: 'quiet-run' });
    client.send({ type: 'subscribe', run_id: 'loud-run' });
    await client.until((m) => m.filter((x) => x.type === 'subscribed').length === 2);
    quiet.emit('run_started', undefined, started);
    client.send({ type: 'unsubscribe', run_id: 'quiet-run' });
    await client.until(has('unsubscribed', { run_id: 'quiet-run' }));
    quiet.emit('run_finished', undefined, finished);
    loud.emit('run_started', undefined, started);
    await client.until(hasEvent('loud-run', 'run_started'));
    expect(client.events().map((e) => `${e.run_id}:${e.type}`)).toEqual([
      'quiet-run:run_started',
      'loud-run:run_started',
    ]);
    client.ws.close();
  });

  it('refuses an upgrade on another path with a 404, and serves HTTP on the same port', async () => {
    const ws = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/v1/other`);
    const status = await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('opened')));
    });
    expect(status).toBe(404);
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(200);
  });
});
