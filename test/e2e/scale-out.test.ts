// Two gateway instances sharing one Redis: a WebSocket client on instance B follows, live, a run executing on A.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../src/main.js';
import {
  eventually,
  redisEnv,
  startTestGateway,
  startThreeProtocols,
  type TestGateway,
  type ThreeProtocols,
} from './harness.js';

let fakes: ThreeProtocols;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  fakes = await startThreeProtocols();
  const env = redisEnv('scale-out');
  a = await startTestGateway({ providers: fakes.providers }, createLogger('silent'), env);
  b = await startTestGateway({ providers: fakes.providers }, createLogger('silent'), env);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await fakes.closeAll();
});

interface EventMessage {
  type: string;
  event?: { run_id: string; seq: number; type: string };
}

describe('scale-out through Redis', () => {
  it('streams a run executing on instance A to a subscriber on instance B, then replays it from B', async () => {
    const runId = `scale-${Date.now()}`;
    const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/v1/ws`);
    const messages: EventMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as EventMessage));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', run_id: runId }));
    await eventually(() => messages.some((m) => m.type === 'subscribed'));

    fakes.alpha.queue({ type: 'text', text: 'from instance A', chunks: ['from ', 'instance ', 'A'] });
    const stream = await a.client.chat.completions.create(
      { model: 'alpha/alpha-chat', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: { 'x-switchboard-run-id': runId } },
    );
    for await (const _chunk of stream);

    const live = () => messages.flatMap((m) => (m.type === 'event' && m.event!.run_id === runId ? [m.event!] : []));
    expect(await eventually(() => live().at(-1)?.type === 'run_finished', 5_000)).toBe(true);
    expect(live().map((e) => e.seq)).toEqual(live().map((_, i) => i + 1));
    expect(live().filter((e) => e.type === 'token')).toHaveLength(3);
    ws.close();

    const replayed = await b.gateway.stores.eventLog.read({ runId });
    expect(replayed.map((e) => e.type)).toEqual(live().map((e) => e.type));
  });
});
