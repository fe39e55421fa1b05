// End to end: a gateway on the SQLite default (no Redis) closed and started again on the same data directory, as a
// user would restart it: usage by client, the request log, client keys, the per-day count of a key, live model stats
// and a paused agent thread are where they were.
import { rm } from 'node:fs/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith, tempDataDir } from './accounts-harness.js';
import { agentApi, tempRoot, toolCall } from './agent-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-token-restart-sqlite-e2e';
const dataDir = tempDataDir('restart-sqlite');
const ask = { model: 'alpha/alpha-chat', messages: [{ role: 'user' as const, content: 'hi' }] };

let alpha: FakeUpstream;
let root: string;
beforeAll(async () => {
  alpha = await startOpenAIUpstream();
  root = await tempRoot('restart-sqlite');
});
afterAll(async () => {
  await alpha.close();
  await rm(root, { recursive: true, force: true });
});

/** A gateway on `dataDir` (SQLite: no Redis, no SWITCHBOARD_STORE) whose only upstream key allows 4 requests a day. */
function start(): Promise<TestGateway> {
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['alpha-key'],
      limits: { rpd: 4 },
      models: [fakeModel('alpha-chat')],
    },
  ];
  const env = { SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_DATA_DIR: dataDir };
  return startTestGateway({ providers, agents: { workspaceRoots: [root] } }, undefined, env);
}

async function usageByClient(gw: TestGateway): Promise<Record<string, number>> {
  const answer = await call(gw.url, 'GET', '/v1/usage?group_by=client', ADMIN);
  expect(answer.status).toBe(200);
  const groups = answer.body.groups as Array<{ key: string; requests: number }>;
  return Object.fromEntries(groups.map((group) => [group.key, group.requests]));
}

/** The request log as route, client, status and HTTP status, newest first. */
async function requestLog(gw: TestGateway): Promise<unknown[]> {
  const answer = await call(gw.url, 'GET', '/v1/requests', ADMIN);
  expect(answer.status).toBe(200);
  return (answer.body.data as Array<Record<string, unknown>>).map((row) => [
    row['route'],
    row['client'],
    row['status'],
    row['http_status'],
  ]);
}

describe('a restart on the SQLite default', () => {
  it('keeps usage, the request log, client keys, the day count of a key, live stats and a paused agent thread', async () => {
    let gw = await start();
    const keys: Array<{ id: string; key: string }> = [];
    for (const name of ['team-a', 'team-b'])
      keys.push((await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name })).body);
    // The agent's question takes alpha's first request of the day, one chat per client key the next two.
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which name?' })],
    });
    const agents = agentApi(gw.url, keys[0]!.key);
    const paused = await agents.invoke({ instruction: 'Write a greeting function' });
    expect(paused.body.agent_status).toBe('requires_human_input');
    await clientWith(gw.url, keys[0]!.key).chat.completions.create(ask);
    await clientWith(gw.url, keys[1]!.key).chat.completions.create(ask);
    const before = await usageByClient(gw);
    expect(before).toEqual({ [keys[0]!.id]: 2, [keys[1]!.id]: 1 });
    const logged = await requestLog(gw);
    expect(logged).toEqual([
      ['chat', keys[1]!.id, 'ok', 200],
      ['chat', keys[0]!.id, 'ok', 200],
      ['agent', keys[0]!.id, 'ok', 200],
    ]);
    const stats = (await gw.gateway.stores.stats.snapshot()).get('alpha/alpha-chat');
    expect(stats?.samples).toBe(3);
    await gw.close(); // what SIGTERM runs

    gw = await start();
    try {
      expect(await usageByClient(gw)).toEqual(before);
      expect(await requestLog(gw)).toEqual(logged);
      expect((await gw.gateway.stores.stats.snapshot()).get('alpha/alpha-chat')).toEqual(stats);
      // The thread paused before the restart resumes from its checkpoint and completes: the upstream key's 4th
      // request of the day. A 5th is refused: the day's count survived the restart.
      const agentsAgain = agentApi(gw.url, keys[0]!.key);
      expect((await agentsAgain.thread(paused.body.thread_id)).body).toMatchObject({ status: 'interrupted' });
      alpha.queue({ type: 'text', text: 'Here it is:\n\n```python\ndef greet():\n    return "hi"\n```' });
      const done = await agentsAgain.resume({
        thread_id: paused.body.thread_id,
        tool_call_id: 'call_q',
        human_response: 'greet',
      });
      expect(done.body).toMatchObject({ agent_status: 'completed', generated_code: 'def greet():\n    return "hi"' });
      const refused = await clientWith(gw.url, keys[1]!.key)
        .chat.completions.create(ask)
        .catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      expect(alpha.requests).toHaveLength(4);
      expect(await usageByClient(gw)).toEqual({ [keys[0]!.id]: 3, [keys[1]!.id]: 1 });
      expect(await requestLog(gw)).toEqual([
        ['chat', keys[1]!.id, 'error', 429],
        ['agent', keys[0]!.id, 'ok', 200],
        ...logged,
      ]);
    } finally {
      await gw.close();
    }
  });
});
