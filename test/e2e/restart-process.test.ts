// End to end, as a user restarts the gateway: `switchboard serve` with no Redis (the SQLite default), stopped with
// SIGTERM and started again on the same data directory. Usage by provider and by client, the request log, the
// router's live stats, a paused agent thread and a key's per-day count are where they were.
import { rm } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith, tempDataDir } from './accounts-harness.js';
import { agentApi, tempRoot, toolCall } from './agent-harness.js';
import { fakeModel } from './harness.js';
import {
  chatRequests,
  explainAuto,
  pollUntil,
  requestLog,
  useGatewayProcesses,
  usageBy,
  writeConfigFile,
  type GatewayProcess,
} from './process-harness.js';

const ADMIN = 'admin-token-restart-process-e2e';
const dataDir = tempDataDir('restart-process');
const env = { SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_DATA_DIR: dataDir };
const startProcess = useGatewayProcesses();
const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }] });

let alpha: FakeUpstream;
let beta: FakeUpstream;
let root: string;
let configFile: string;
beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  root = await tempRoot('restart-process');
  // beta's only key allows 3 requests a day.
  configFile = writeConfigFile({
    logLevel: 'silent',
    providers: [
      {
        id: 'alpha',
        protocol: 'openai',
        baseUrl: alpha.baseUrl,
        apiKeys: ['alpha-key'],
        models: [fakeModel('alpha-chat')],
      },
      {
        id: 'beta',
        protocol: 'openai',
        baseUrl: beta.baseUrl,
        apiKeys: ['beta-key'],
        limits: { rpd: 3 },
        models: [fakeModel('beta-chat')],
      },
    ],
    agents: { workspaceRoots: [root] },
    // Explain before and after the restart must agree: the bandit (on by default) would draw other qualities each time.
    routing: { bandit: { enabled: false } },
  });
});
afterAll(async () => {
  await Promise.all([alpha.close(), beta.close()]);
  await rm(root, { recursive: true, force: true });
});

/** The explain candidates once the router's stats show `samples` calls of each model. */
function statsShowing(gw: GatewayProcess, samples: Record<string, number>) {
  return pollUntil(
    () => explainAuto(gw.url, ADMIN),
    (candidates) =>
      Object.entries(samples).every(([model, n]) =>
        candidates.some((c) => c.model === model && c.reasons.includes(`success 100% over ${n}`)),
      ),
  );
}

describe('switchboard serve on SQLite, stopped with SIGTERM and started again', () => {
  it('keeps usage by provider and client, the request log, live stats, a paused thread and a key day count', async () => {
    let gw = await startProcess(configFile, env);
    const keys: Array<{ id: string; key: string }> = [];
    for (const name of ['team-a', 'team-b']) {
      const created = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name });
      expect(created.status).toBe(201);
      keys.push(created.body);
    }
    const [a, b] = keys as [{ id: string; key: string }, { id: string; key: string }];
    // Team A's agent asks a question on alpha and pauses; each team uses 1 of beta's 3 requests of the day; team B
    // asks alpha once.
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Name?' })],
    });
    const paused = await agentApi(gw.url, a.key).invoke({
      instruction: 'Write a greeting function',
      provider: 'alpha',
    });
    expect(paused.body.agent_status).toBe('requires_human_input');
    await clientWith(gw.url, a.key).chat.completions.create(chat('beta/beta-chat'));
    await clientWith(gw.url, b.key).chat.completions.create(chat('beta/beta-chat'));
    await clientWith(gw.url, b.key).chat.completions.create(chat('alpha/alpha-chat'));
    const stats = await statsShowing(gw, { 'alpha/alpha-chat': 2, 'beta/beta-chat': 2 });
    // Stopped at once: what the last calls wrote may still be pending, for SIGTERM's flush to write.
    expect(await gw.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    gw = await startProcess(configFile, env);
    expect(await usageBy(gw.url, 'provider', ADMIN)).toEqual({ alpha: 2, beta: 2 });
    expect(await usageBy(gw.url, 'client', ADMIN)).toEqual({ [a.id]: 2, [b.id]: 2 });
    expect(await requestLog(gw.url, ADMIN)).toEqual([
      ['chat', b.id, 'alpha/alpha-chat', 'ok'],
      ['chat', b.id, 'beta/beta-chat', 'ok'],
      ['chat', a.id, 'beta/beta-chat', 'ok'],
      ['agent', a.id, 'alpha/alpha-chat', 'ok'],
    ]);
    // The same scores and reasons: the same moving averages and sample counts, the same headroom.
    const same = (candidates: typeof stats) => isDeepStrictEqual(candidates, stats);
    expect(await pollUntil(() => explainAuto(gw.url, ADMIN), same, 5_000)).toEqual(stats);

    // The thread resumes from its checkpoint and completes.
    const agents = agentApi(gw.url, a.key);
    expect((await agents.thread(paused.body.thread_id)).body).toMatchObject({ status: 'interrupted' });
    alpha.queue({ type: 'text', text: 'Here it is:\n\n```python\ndef greet():\n    return "hi"\n```' });
    const done = await agents.resume({
      thread_id: paused.body.thread_id,
      tool_call_id: 'call_q',
      human_response: 'greet',
    });
    expect(done.body).toMatchObject({ agent_status: 'completed', generated_code: 'def greet():\n    return "hi"' });

    // beta's key had used 2 of its 3 requests of the day: exactly one more goes through.
    await clientWith(gw.url, b.key).chat.completions.create(chat('beta/beta-chat'));
    const refused = await clientWith(gw.url, a.key)
      .chat.completions.create(chat('beta/beta-chat'))
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(chatRequests(beta)).toBe(3);
    expect(chatRequests(alpha)).toBe(3);
    expect(await usageBy(gw.url, 'client', ADMIN)).toEqual({ [a.id]: 3, [b.id]: 3 });
    expect(await gw.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 90_000);
});
