// End to end: a request's run events, in order, under the run id the client chose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/types.js';
import { eventually, startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
const events: RunEvent[] = [];

beforeAll(async () => {
  fakes = await startThreeProtocols();
  // The traces name the models that answer in turn (alpha first): no bandit draws (on by default) here.
  gw = await startTestGateway({ providers: fakes.providers, routing: { bandit: { enabled: false } } });
  gw.gateway.bus.attach((event) => events.push(event));
});
afterAll(async () => {
  await gw.close();
  await fakes.closeAll();
});

const trace = (runId: string) =>
  events.filter((e) => e.run_id === runId).map((e) => (e.node ? `${e.type}:${e.node}` : e.type));

describe('run events', () => {
  it("trace a streamed request that falls back, token by token, under the client's run id", async () => {
    fakes.alpha.queue({ type: 'error', status: 503 });
    fakes.beta.queue({ type: 'text', text: 'one two', chunks: ['one ', 'two'] });
    const stream = await gw.client.chat.completions.create(
      { model: 'auto', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: { 'x-switchboard-run-id': 'followed-run' } },
    );
    for await (const _chunk of stream);
    await eventually(() => trace('followed-run').at(-1) === 'run_finished');
    expect(trace('followed-run')).toEqual([
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
    const mine = events.filter((e) => e.run_id === 'followed-run');
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i + 1));
    expect(mine.filter((e) => e.type === 'token').map((e) => e.data['text'])).toEqual(['one ', 'two']);
    expect(mine.find((e) => e.type === 'attempt_failed')!.data).toMatchObject({
      model: 'alpha/alpha-chat',
      kind: 'server',
    });
    expect(mine.at(-1)!.data).toMatchObject({ model: 'beta/beta-chat', attempts: 2 });
  });

  it('end a failed run with run_failed', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-run-id': 'doomed-run' },
      body: JSON.stringify({
        model: 'auto',
        provider: 'beta',
        max_tokens: 1_000_000,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(res.status).toBe(400);
    expect(trace('doomed-run')).toEqual([
      'run_started',
      'node_started:classify',
      'node_finished:classify',
      'node_started:route',
      'node_finished:route',
      'run_failed',
    ]);
  });

  it('record only runs a client can follow, unless events.recordAll is set', async () => {
    const before = events.length;
    const res = await gw.client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'unfollowed' }] })
      .withResponse();
    const runId = res.response.headers.get('x-switchboard-run-id')!;
    expect(events.length).toBe(before);
    expect(trace(runId)).toEqual([]);

    const all = await startTestGateway({
      providers: fakes.providers,
      routing: { bandit: { enabled: false } },
      events: { recordAll: true },
    });
    try {
      const seen: string[] = [];
      all.gateway.bus.attach((e) => seen.push(e.type));
      await all.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'recorded' }] });
      expect(seen[0]).toBe('run_started');
      expect(seen.at(-1)).toBe('run_finished');
    } finally {
      await all.close();
    }
  });
});
