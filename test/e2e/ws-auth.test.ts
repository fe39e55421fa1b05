// End to end: /v1/ws under client-key auth. A connection needs a key (header or `token` parameter); a client sees
// only the runs and agent threads made with its own key, the admin sees all; another key's thread is a 404.
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, hasEvent } from '../helpers/ws-client.js';
import { agentApi } from './agent-harness.js';
import { startTestGateway, startThreeProtocols, type TestGateway, type ThreeProtocols } from './harness.js';

const ADMIN = 'admin-key-for-ws-auth-tests';
let fakes: ThreeProtocols;
let gw: TestGateway;
let wsUrl: string;
const keys: Record<'a' | 'b', string> = { a: '', b: '' };

async function createClientKey(name: string): Promise<string> {
  const res = await fetch(`${gw.url}/admin/client-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/** A chat request made with `key`, under the run id the client chose. */
function chatAs(key: string, runId: string) {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
  return client.chat.completions.create(
    { model: 'auto', messages: [{ role: 'user', content: 'hi' }] },
    { headers: { 'x-switchboard-run-id': runId } },
  );
}

beforeAll(async () => {
  fakes = await startThreeProtocols();
  gw = await startTestGateway({ providers: fakes.providers }, undefined, { SWITCHBOARD_ADMIN_KEY: ADMIN });
  wsUrl = `${gw.url.replace(/^http/, 'ws')}/v1/ws`;
  keys.a = await createClientKey('alice');
  keys.b = await createClientKey('bob');
});
afterAll(async () => {
  await gw?.close();
  await fakes?.closeAll();
});

describe('/v1/ws with client keys', () => {
  it('refuses a connection without a key or with a wrong one (401), and takes one in the header or the token parameter', async () => {
    await expect(connectWs(wsUrl)).rejects.toThrow(/401/);
    await expect(connectWs(wsUrl, { authorization: 'Bearer sk-sb-not-a-key-at-all' })).rejects.toThrow(/401/);
    await expect(connectWs(`${wsUrl}?token=sk-sb-wrong-wrong-wrong`)).rejects.toThrow(/401/);
    const byHeader = await connectWs(wsUrl, { authorization: `Bearer ${keys.a}` });
    const byParameter = await connectWs(`${wsUrl}?token=${encodeURIComponent(keys.b)}`);
    byHeader.ws.close();
    byParameter.ws.close();
  });

  it('shows a client only its own runs, live and replayed; the admin sees every run', async () => {
    const [runA, runB] = [`ws-auth-a-${randomUUID()}`, `ws-auth-b-${randomUUID()}`];
    const alice = await connectWs(wsUrl, { authorization: `Bearer ${keys.a}` });
    const admin = await connectWs(wsUrl, { authorization: `Bearer ${ADMIN}` });
    for (const client of [alice, admin]) {
      client.send({ type: 'subscribe', run_id: runA });
      client.send({ type: 'subscribe', run_id: runB });
    }
    await alice.until((m) => m.filter((x) => x.type === 'subscribed').length === 2);
    await admin.until((m) => m.filter((x) => x.type === 'subscribed').length === 2);
    await Promise.all([chatAs(keys.a, runA), chatAs(keys.b, runB)]);
    await admin.until((m) => hasEvent(runA, 'run_finished')(m) && hasEvent(runB, 'run_finished')(m));
    await alice.until(hasEvent(runA, 'run_finished'));
    expect(alice.events(runA).length).toBeGreaterThan(2);
    expect(alice.events(runB)).toEqual([]);

    // Replayed after the fact, bob's run is as invisible to alice as one that never existed.
    const late = await connectWs(wsUrl, { authorization: `Bearer ${keys.a}` });
    late.send({ type: 'subscribe', run_id: runB, after_seq: 0 });
    late.send({ type: 'subscribe', run_id: runA, after_seq: 0 });
    await late.until(hasEvent(runA, 'run_finished'));
    expect(late.messages.find((m) => m.type === 'subscribed' && m.run_id === runB)).toMatchObject({ replayed: 0 });
    expect(late.events(runB)).toEqual([]);
    for (const client of [alice, admin, late]) client.ws.close();
  });

  it('keeps an agent thread to the key that started it: events, reads and resumes', async () => {
    const threadId = `ws-auth-thread-${randomUUID()}`;
    const [alice, bob] = [
      await connectWs(wsUrl, { authorization: `Bearer ${keys.a}` }),
      await connectWs(wsUrl, { authorization: `Bearer ${keys.b}` }),
    ];
    for (const client of [alice, bob]) client.send({ type: 'subscribe', thread_id: threadId });
    await alice.until((m) => m.some((x) => x.type === 'subscribed'));
    await bob.until((m) => m.some((x) => x.type === 'subscribed'));
    const invoked = await agentApi(gw.url, keys.a).invoke({ thread_id: threadId, instruction: 'say hello' });
    expect(invoked.status).toBe(200);
    await alice.until((m) => m.some((x) => x.type === 'event' && x.event.type === 'run_finished'));
    expect(bob.events()).toEqual([]);

    expect((await agentApi(gw.url, keys.a).thread(threadId)).status).toBe(200);
    expect((await agentApi(gw.url, ADMIN).thread(threadId)).status).toBe(200);
    const read = await agentApi(gw.url, keys.b).thread(threadId);
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ error: { code: 'thread_not_found' } });
    const resumed = await agentApi(gw.url, keys.b).resume({
      thread_id: threadId,
      tool_call_id: 'call_x',
      human_response: 'yes',
    });
    expect(resumed.status).toBe(404);
    const hijack = await agentApi(gw.url, keys.b).invoke({ thread_id: threadId, instruction: 'take over' });
    expect(hijack.status).toBe(404);
    for (const client of [alice, bob]) client.ws.close();
  });
});
