// End to end: `switchboard serve` on SQLite killed with SIGKILL, then started again. What docs/CONFIG.md and
// docs/ACCOUNTS.md promise: batched state (usage, the request log, window counts, live stats, kv, events) written by a
// tick before the kill is all there, and what is written "at once" (client keys, vault keys, agent checkpoints)
// survives a kill that follows its acknowledgement immediately. Deterministic: the test reads the database itself,
// waiting until a tick has written what it will check, rather than sleeping; whatever the last tick had not written is
// not asserted on.
import Database from 'better-sqlite3';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, requestCounter } from '../../src/accounts/limits.js';
import { providerKeyId } from '../../src/accounts/secrets.js';
import { DATABASE_FILE } from '../../src/storage/sqlite/database.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { connectWs, hasEvent } from '../helpers/ws-client.js';
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
  type ExplainedCandidate,
} from './process-harness.js';

const ADMIN = 'admin-token-kill-sqlite-e2e';
const dataDir = tempDataDir('kill-sqlite');
const env = {
  SWITCHBOARD_ADMIN_KEY: ADMIN,
  SWITCHBOARD_MASTER_KEY: 'master-passphrase-kill-sqlite',
  SWITCHBOARD_DATA_DIR: dataDir,
};
const startProcess = useGatewayProcesses();
const chat = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }] });
const CACHE_ON = { 'x-switchboard-cache': 'on' };

let alpha: FakeUpstream;
let beta: FakeUpstream;
let gamma: FakeUpstream;
let root: string;
let configFile: string;
beforeAll(async () => {
  [alpha, beta, gamma] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream(), startOpenAIUpstream()]);
  root = await tempRoot('kill-sqlite');
  const provider = (id: string, fake: FakeUpstream, extra = {}) => ({
    id,
    protocol: 'openai',
    baseUrl: fake.baseUrl,
    apiKeys: [`${id}-key`],
    models: [fakeModel(`${id}-chat`)],
    ...extra,
  });
  // beta's key allows 3 requests a day; gamma serves only the agent run made just before the kill.
  configFile = writeConfigFile({
    logLevel: 'silent',
    providers: [provider('alpha', alpha), provider('beta', beta, { limits: { rpd: 3 } }), provider('gamma', gamma)],
    agents: { workspaceRoots: [root] },
    // Explain before and after the kill must agree: the bandit (on by default) would draw other qualities each time.
    routing: { bandit: { enabled: false } },
  });
});
afterAll(async () => {
  await Promise.all([alpha.close(), beta.close(), gamma.close()]);
  await rm(root, { recursive: true, force: true });
});

/** What the database holds of the batched state this test checks (read-only, beside the running gateway). */
function batchedState(db: Database.Database) {
  const count = (sql: string, ...params: unknown[]) =>
    (db
      .prepare(sql)
      .pluck()
      .get(...params) as number | null) ?? 0;
  const stats = db.prepare('SELECT ref, record FROM stats').all() as Array<{ ref: string; record: string }>;
  return {
    usage: count('SELECT count(*) FROM usage'),
    requestRows: count('SELECT count(*) FROM requests'),
    samples: Object.fromEntries(stats.map((row) => [row.ref, (JSON.parse(row.record) as { samples: number }).samples])),
    betaToday: count(
      'SELECT sum(count) FROM windows WHERE key = ? AND window_ms = ?',
      requestCounter(providerKeyId('beta', 'beta-key')),
      DAY_MS,
    ),
    finishedRuns: count(
      `SELECT count(*) FROM events WHERE run_id IN ('crash-1', 'crash-2') AND event LIKE '%"type":"run_finished"%'`,
    ),
    runRecords: count(`SELECT count(*) FROM kv WHERE key IN ('run:crash-1', 'run:crash-2')`),
    cachedAnswers: count(`SELECT count(*) FROM kv WHERE key LIKE 'response-cache:%'`),
  };
}

const onlyAlphaAndBeta = (candidates: ExplainedCandidate[]) =>
  candidates.filter((c) => c.model === 'alpha/alpha-chat' || c.model === 'beta/beta-chat');

describe('switchboard serve on SQLite, killed with SIGKILL and started again', () => {
  it('has every batched write of a past tick, and every write acknowledged before the kill', async () => {
    let gw = await startProcess(configFile, env);
    const a = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'team-a' })).body;
    const clientA = clientWith(gw.url, a.key);
    // Two runs the client can follow (events, run records), one answer cached, 2 of beta's 3 requests of the day.
    await clientA.chat.completions.create(chat('beta/beta-chat'), {
      headers: { 'x-switchboard-run-id': 'crash-1', ...CACHE_ON },
    });
    await clientA.chat.completions.create(chat('beta/beta-chat'), { headers: { 'x-switchboard-run-id': 'crash-2' } });
    await clientA.chat.completions.create(chat('alpha/alpha-chat'));
    // Wait until a tick has written all of it (the gateway is never asked to flush: no read that would).
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const expected = {
        usage: 3,
        requestRows: 3,
        samples: { 'alpha/alpha-chat': 1, 'beta/beta-chat': 2 },
        betaToday: 2,
        finishedRuns: 2,
        runRecords: 2,
        cachedAnswers: 1,
      };
      const flushed = (state: ReturnType<typeof batchedState>) => isDeepStrictEqual(state, expected);
      expect(await pollUntil(() => batchedState(db), flushed)).toEqual(expected);
    } finally {
      db.close();
    }
    const stats = onlyAlphaAndBeta(await explainAuto(gw.url, ADMIN));
    expect(stats.map((c) => c.reasons.find((r) => r.startsWith('success')))).toEqual(
      expect.arrayContaining(['success 100% over 1', 'success 100% over 2']),
    );

    // Written at once: a client key, a vault key, an agent thread's checkpoint; the kill follows each answer.
    const b = await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'team-b' });
    expect(b.status).toBe(201);
    const vaulted = await call(gw.url, 'POST', '/admin/keys', ADMIN, { provider: 'alpha', key: 'alpha-vault-key-1' });
    expect(vaulted.status).toBe(201);
    gamma.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Name?' })],
    });
    const paused = await agentApi(gw.url, b.body.key).invoke({ instruction: 'Write a greeting', provider: 'gamma' });
    expect(paused.body.agent_status).toBe('requires_human_input');
    expect(await gw.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    gw = await startProcess(configFile, env);
    // Batched, written by a tick before the kill: usage, the request log, live stats, run records, events, the cached
    // answer.
    expect(await usageBy(gw.url, 'provider', ADMIN)).toMatchObject({ alpha: 1, beta: 2 });
    expect((await usageBy(gw.url, 'client', ADMIN))[a.id]).toBe(3);
    expect(await requestLog(gw.url, ADMIN, `client=${a.id}`)).toEqual([
      ['chat', a.id, 'alpha/alpha-chat', 'ok'],
      ['chat', a.id, 'beta/beta-chat', 'ok'],
      ['chat', a.id, 'beta/beta-chat', 'ok'],
    ]);
    const same = (candidates: ExplainedCandidate[]) => isDeepStrictEqual(onlyAlphaAndBeta(candidates), stats);
    expect(onlyAlphaAndBeta(await pollUntil(() => explainAuto(gw.url, ADMIN), same, 5_000))).toEqual(stats);
    const record = await call(gw.url, 'GET', '/v1/runs/crash-1', a.key);
    expect(record.body).toMatchObject({ run_id: 'crash-1', status: 'succeeded', model: 'beta/beta-chat' });
    const ws = await connectWs(`${gw.url.replace('http', 'ws')}/v1/ws`, { authorization: `Bearer ${a.key}` });
    ws.send({ type: 'subscribe', run_id: 'crash-2' });
    await ws.until(hasEvent('crash-2', 'run_finished'));
    expect(ws.events('crash-2').map((e) => e.seq)).toEqual(ws.events('crash-2').map((_, i) => i + 1));
    ws.ws.close();
    const cached = await clientWith(gw.url, a.key)
      .chat.completions.create(chat('beta/beta-chat'), { headers: CACHE_ON })
      .withResponse();
    expect(cached.response.headers.get('x-switchboard-cache')).toBe('hit');

    // At once: team B's key works, the vault key is back, the thread resumes from its checkpoint and completes.
    const clientB = clientWith(gw.url, b.body.key);
    expect((await clientB.models.list()).data.length).toBeGreaterThan(0);
    const vault = await call(gw.url, 'GET', '/admin/keys', ADMIN);
    expect(vault.body.data).toContainEqual(expect.objectContaining({ id: vaulted.body.id, source: 'vault' }));
    gamma.queue({ type: 'text', text: 'Here:\n\n```python\ndef greet():\n    return "hi"\n```' });
    const done = await agentApi(gw.url, b.body.key).resume({
      thread_id: paused.body.thread_id,
      tool_call_id: 'call_q',
      human_response: 'greet',
    });
    expect(done.body).toMatchObject({ agent_status: 'completed', generated_code: 'def greet():\n    return "hi"' });

    // beta's day count survived: one more request (the cached answer took none), then a 429.
    await clientB.chat.completions.create(chat('beta/beta-chat'));
    const refused = await clientB.chat.completions.create(chat('beta/beta-chat')).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(chatRequests(beta)).toBe(3);
    expect(await gw.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 90_000);
});
