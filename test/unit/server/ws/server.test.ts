// The /v1/ws server on a bare HTTP server: heartbeats, the auth hook, the follow/read handoff, limits and shutdown.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventType, RunEvent } from '../../../../src/events/types.js';
import type { ServerMessage } from '../../../../src/server/ws/protocol.js';
import { attachEventStream, type EventStreamDeps, type EventStream } from '../../../../src/server/ws/server.js';
import { createMemoryEventLog } from '../../../../src/storage/memory/event-log.js';
import type { EventLog } from '../../../../src/storage/types.js';
import { opaqueEvent } from '../../../helpers/events.js';

const ev = (run: string, seq: number, type: EventType = 'token'): RunEvent =>
  opaqueEvent({ run_id: run, seq, type, ts: seq, data: {} });

let server: Server;
let stream: EventStream | undefined;
let log: EventLog;
let url: string;

async function start(deps: Partial<EventStreamDeps> = {}): Promise<void> {
  log = createMemoryEventLog({ maxEventsPerRun: 1_000, retentionMs: 60_000 });
  server = createServer((_req, res) => res.end('http'));
  stream = attachEventStream(server, { log, logger: pino({ level: 'silent' }), ...deps });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ws`;
}
afterEach(async () => {
  await stream?.close();
  await log.close();
  await new Promise((resolve) => server.close(resolve));
});

/** A connected client, its messages, and a way to wait for one that matches. */
async function connect(options: WebSocket.ClientOptions = {}, target = url) {
  const ws = new WebSocket(target, options);
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = (check: (m: ServerMessage) => boolean) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const found = messages.find(check);
      if (found) return resolve(found);
      const onMessage = () => {
        const hit = messages.find(check);
        if (hit === undefined) return;
        ws.off('message', onMessage);
        resolve(hit);
      };
      ws.on('message', onMessage);
      void closed.then(() => reject(new Error(`closed; got ${JSON.stringify(messages)}`)));
    });
  return { ws, messages, closed, next, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

const statusOf = (target: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const ws = new WebSocket(target, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => resolve({ status: 101, body: '' }));
    ws.on('error', reject);
  });

describe('event stream server', () => {
  it('pings every heartbeat and drops a client that stops answering', async () => {
    await start({ options: { heartbeatMs: 40 } });
    const live = await connect();
    const dead = await connect({ autoPong: false });
    let pings = 0;
    await new Promise<void>((resolve) => live.ws.on('ping', () => ++pings === 4 && resolve()));
    expect(await dead.closed).toBe(1006);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
    live.ws.close();
  });

  it('asks the authorize hook on upgrade: 401 with its reason, or in', async () => {
    await start({
      authorize: (req) => (req.headers.authorization === 'Bearer good' ? { sees: () => true } : 'unknown client key'),
    });
    const refused = await statusOf(url, { authorization: 'Bearer bad' });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { message: 'unknown client key', code: 'unauthorized' } });
    expect((await statusOf(url, { authorization: 'Bearer good' })).status).toBe(101);
    expect((await statusOf(url.replace('/v1/ws', '/elsewhere'), { authorization: 'Bearer good' })).status).toBe(404);
  });

  it('sends each event once when events land between follow and read', async () => {
    await start();
    const inner = log;
    // A log whose read lets the run move on first: the events it appends reach the follower and the replay both.
    log = {
      ...inner,
      read: async (filter, afterSeq) => {
        inner.append(ev('racy', 3));
        inner.append(ev('racy', 4));
        return inner.read(filter, afterSeq);
      },
    };
    await stream!.close();
    stream = attachEventStream(server, { log, logger: pino({ level: 'silent' }) });
    inner.append(ev('racy', 1, 'run_started'));
    inner.append(ev('racy', 2));
    const client = await connect();
    client.send({ type: 'subscribe', run_id: 'racy', after_seq: 1 });
    await client.next((m) => m.type === 'subscribed');
    inner.append(ev('racy', 5, 'run_finished'));
    await client.next((m) => m.type === 'event' && m.event.type === 'run_finished');
    expect(client.messages[0]).toEqual({ type: 'subscribed', run_id: 'racy', replayed: 3 });
    expect(client.messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : []))).toEqual([2, 3, 4, 5]);
    client.ws.close();
  });

  it('reports a log failure as an error message and keeps the connection', async () => {
    await start();
    log = { ...log, read: () => Promise.reject(new Error('redis is down at /secret/path.ts:12')) };
    await stream!.close();
    stream = attachEventStream(server, { log, logger: pino({ level: 'silent' }) });
    const client = await connect();
    client.send({ type: 'subscribe', run_id: 'r' });
    const error = await client.next((m) => m.type === 'error');
    expect(error).toEqual({
      type: 'error',
      code: 'unavailable',
      message: 'could not subscribe: the event log is unavailable',
    });
    client.send({ type: 'ping' });
    await client.next((m) => m.type === 'pong');
    client.ws.close();
  });

  it('caps subscriptions per connection, and a repeated subscription moves its cursor instead of adding one', async () => {
    await start({ options: { maxSubscriptions: 2 } });
    for (let seq = 1; seq <= 3; seq++) log.append(ev('a', seq));
    const client = await connect();
    client.send({ type: 'subscribe', run_id: 'a' });
    await client.next((m) => m.type === 'subscribed' && m.replayed === 3);
    client.send({ type: 'subscribe', run_id: 'b' });
    client.send({ type: 'subscribe', run_id: 'a', after_seq: 2 });
    client.send({ type: 'subscribe', run_id: 'c' });
    await client.next((m) => m.type === 'error');
    await client.next((m) => m.type === 'subscribed' && m.replayed === 1);
    expect(client.messages.filter((m) => m.type === 'error')).toEqual([
      { type: 'error', code: 'too_many_subscriptions', message: 'at most 2 subscriptions per connection' },
    ]);
    log.append(ev('a', 4));
    await client.next((m) => m.type === 'event' && m.event.seq === 4);
    expect(client.messages.flatMap((m) => (m.type === 'event' ? [m.event.seq] : []))).toEqual([1, 2, 3, 3, 4]);
    client.ws.close();
  });

  it('closes every connection with 1001 on close()', async () => {
    await start();
    const client = await connect();
    await stream!.close();
    expect(await client.closed).toBe(1001);
    stream = undefined;
  });
});
