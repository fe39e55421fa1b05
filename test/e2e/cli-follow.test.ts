// `switchboard follow` as a user runs it against a real gateway with client auth on: a live run's nodes as they
// happen (fallback included), a finished run replayed, the events as JSON lines, an agent thread run after run, a run
// known only by its record, and the exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunRecords } from '../../graphs/chat/run-record.js';
import { createLogger } from '../../src/main.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith } from './accounts-harness.js';
import { toolCall } from './agent-harness.js';
import { STACK_LINE, useCli } from './cli-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-cli-follow-e2e';
const EXIT_ONLY = /$^/;
const runCli = useCli();
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  const provider = (id: string, upstream: FakeUpstream, quality: number) => ({
    id,
    protocol: 'openai',
    baseUrl: upstream.baseUrl,
    apiKeys: [`${id}-key`],
    models: [fakeModel(`${id}-chat`, { quality })],
  });
  // The tests count on the prior order (alpha, then beta): alpha fails twice before the agent's turn, and a learning
  // bandit or balanced's steering could then send the agent's call to beta, which has no question queued.
  const routing = { bandit: { enabled: false }, complexity: { span: 0 } };
  const providers = [provider('alpha', alpha, 0.9), provider('beta', beta, 0.5)];
  gw = await startTestGateway({ providers, routing }, undefined, {
    SWITCHBOARD_ADMIN_KEY: ADMIN,
    SWITCHBOARD_REQUIRE_AUTH: '1',
  });
  keyA = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'a' })).body.key;
  keyB = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'b' })).body.key;
});
afterAll(async () => {
  await gw.close();
  await Promise.all([alpha.close(), beta.close()]);
});

const as = (key: string) => ({ SWITCHBOARD_URL: gw.url, SWITCHBOARD_API_KEY: key });

/** A streamed chat with the run id `runId`, read to its end. */
async function streamedChat(runId: string, key = keyA): Promise<void> {
  const stream = await clientWith(gw.url, key).chat.completions.create(
    { model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    { headers: { 'x-switchboard-run-id': runId } },
  );
  for await (const _chunk of stream);
}

// Each test spawns the CLI, a second or more of start-up on a loaded machine.
describe('switchboard follow', { timeout: 60_000 }, () => {
  it("draws a live run's nodes as they happen, then its fallback, stream and answer, and exits 0", async () => {
    const following = await runCli(['follow', 'cli-live-run'], /waiting for run cli-live-run/, as(keyA));
    let drop!: () => void;
    alpha.queue({ type: 'hang', drop: new Promise<void>((resolve) => (drop = resolve)) });
    beta.queue({ type: 'text', text: 'one two', chunks: ['one ', 'two'], usage: { prompt: 7, completion: 2 } });
    const chat = streamedChat('cli-live-run');
    // The call hangs: the nodes before it are on screen already, the answer is not.
    const midway = await following.more!(/plan \(balanced, chat\): alpha\/alpha-chat 0\.\d+ → beta\/beta-chat/);
    expect(midway.code).toBeNull();
    expect(midway.out).toMatch(
      /● run cli-live-run · chat · model auto · stream\n├─ ✓ classify \d+ ms\n├─ ✓ route \d+ ms\n/,
    );
    expect(midway.out).not.toContain('answered');
    drop();
    await chat;
    const { out, code } = await following.more!(EXIT_ONLY);
    expect(code).toBe(0);
    expect(out).toMatch(/├─ ✗ call \d+ ms\n│ {4}✗ alpha\/alpha-chat \w+: .*\n├─ ✓ call \d+ ms\n├─ ✓ judge \d+ ms\n/);
    expect(out).toMatch(/├─ ✓ streamed 2 chunks\n└─ ✓ answered by beta\/beta-chat · 2 attempts · 7 \+ 2 tokens · \S+/);
  });

  it('replays a finished run at once, and prints its events as JSON lines with --json', async () => {
    const replay = await runCli(['follow', 'cli-live-run'], EXIT_ONLY, as(keyA));
    expect(replay.code).toBe(0);
    expect(replay.out).not.toContain('waiting');
    expect(replay.out).toContain('✗ alpha/alpha-chat');
    expect(replay.out).toContain('└─ ✓ answered by beta/beta-chat');
    const asJson = await runCli(['follow', 'cli-live-run', '--json'], EXIT_ONLY, as(keyA));
    expect(asJson.code).toBe(0);
    const events = asJson.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e: { seq: number }) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
    expect(events[0]).toMatchObject({ run_id: 'cli-live-run', type: 'run_started', data: { kind: 'chat' } });
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', data: { model: 'beta/beta-chat', attempts: 2 } });
  });

  it("shows nothing of another client's run, as if it had not started", async () => {
    const other = await runCli(['follow', 'cli-live-run'], /waiting for run cli-live-run to start/, as(keyB));
    expect(other.code).toBeNull();
    expect(other.out).not.toContain('● run');
  });

  it('exits 1 when the run failed, showing each failure', async () => {
    alpha.queue({ type: 'error', status: 500, message: 'alpha is down' });
    beta.queue({ type: 'error', status: 500, message: 'beta is down' });
    await expect(streamedChat('cli-failed-run')).rejects.toThrow();
    const { out, code } = await runCli(['follow', 'cli-failed-run'], EXIT_ONLY, as(keyA));
    expect(code).toBe(1);
    expect(out).toContain('✗ alpha/alpha-chat server: alpha is down');
    expect(out).toContain('✗ beta/beta-chat server: beta is down');
    expect(out).toMatch(/└─ ✗ failed 50\d: /);
  });

  it('shows a finished run whose events are gone from its record', async () => {
    createRunRecords(gw.gateway.stores.kv, 60_000, createLogger('silent')).save({
      run_id: 'cli-recorded-run',
      status: 'succeeded',
      finished_at: Date.UTC(2026, 0, 2, 3, 4, 5),
      classification: { task: 'code', domain: 'general', complexity: 0.4, tokens: 12, needs: {} },
      mode: 'balanced',
      plan: [{ model: 'alpha/alpha-chat', score: 0.8, reasons: [] }],
      attempts: [
        { model: 'alpha/alpha-chat', ms: 12, error: { kind: 'rate_limit', message: 'slow down' } },
        { model: 'beta/beta-chat', ms: 30, judge: { score: 0.9, reasons: [] } },
      ],
      model: 'beta/beta-chat',
    });
    const { out, code } = await runCli(['follow', 'cli-recorded-run'], EXIT_ONLY, {
      SWITCHBOARD_URL: gw.url,
      SWITCHBOARD_ADMIN_KEY: ADMIN,
    });
    expect(code).toBe(0);
    expect(out).toContain('● run cli-recorded-run · from its record');
    expect(out).toMatch(
      /├─ ✗ call alpha\/alpha-chat 12 ms rate_limit: slow down\n├─ ✓ call beta\/beta-chat 30 ms · judge 0.9\n/,
    );
    expect(out).toContain('└─ ✓ answered by beta/beta-chat · 2026-01-02 03:04:05 UTC');
  });

  it('follows an agent thread past its question to its completion', async () => {
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which name?' })],
    });
    const invoke = (route: string, body: unknown) => call(gw.url, 'POST', route, keyA, body);
    const paused = await invoke('/v1/agents/code/invoke', { instruction: 'Write a greeting', thread_id: 'cli-thread' });
    expect(paused.body.agent_status).toBe('requires_human_input');
    const following = await runCli(['follow', '--thread', 'cli-thread'], /waiting for a human's answer/, as(keyA));
    expect(following.code).toBeNull();
    expect(following.out).toContain('? Which name?');
    alpha.queue({ type: 'text', text: 'Done: greet()' });
    await invoke('/v1/agents/resume', { thread_id: 'cli-thread', tool_call_id: 'call_q', human_response: 'greet' });
    const { out, code } = await following.more!(EXIT_ONLY);
    expect(code).toBe(0);
    expect(out.match(/● run \S+ · agent code/g)).toHaveLength(2);
    expect(out).toMatch(/└─ ✓ completed · alpha\/alpha-chat/);
  });

  it('exits 77 on a wrong key, 2 on a bad run id or none, 69 when no gateway answers, in one line each', async () => {
    const denied = await runCli(['follow', 'cli-live-run'], EXIT_ONLY, as('sk-sb-wrong-key-0123456789'));
    expect(denied.code).toBe(77);
    expect(denied.out).toMatch(/^switchboard: Incorrect API key provided.*\(check SWITCHBOARD_API_KEY/);
    const bad = await runCli(['follow', 'not a run id!'], EXIT_ONLY, as(keyA));
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/^switchboard: .*run_id/);
    const neither = await runCli(['follow'], EXIT_ONLY, as(keyA));
    expect(neither.code).toBe(2);
    const none = await runCli(['follow', 'x'], EXIT_ONLY, { SWITCHBOARD_URL: 'http://127.0.0.1:9/' });
    expect(none.code).toBe(69);
    for (const run of [denied, bad, neither, none]) {
      expect(run.out.trim().split('\n')).toHaveLength(1);
      expect(run.out).not.toMatch(STACK_LINE);
    }
  });
});
