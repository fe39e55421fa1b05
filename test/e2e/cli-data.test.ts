// `switchboard usage`, `requests`, `models` and `explain` as a user runs them: child processes against a real gateway
// with client auth on, in front of fake providers; what they print, their --json shapes and their exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith } from './accounts-harness.js';
import { STACK_LINE, useCli } from './cli-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-cli-data-e2e';
const EXIT_ONLY = /$^/;
const runCli = useCli();
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let keyA: { id: string; key: string };
let keyB: { id: string; key: string };

/** Alpha: free, chat/code/tools, ranked first for auto. Beta: paid, chat/vision. */
beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  gw = await startTestGateway(
    {
      providers: [
        {
          id: 'alpha',
          protocol: 'openai',
          baseUrl: alpha.baseUrl,
          apiKeys: ['alpha-key'],
          models: [fakeModel('alpha-chat', { quality: 0.9, capabilities: ['chat', 'code', 'tools'] })],
        },
        {
          id: 'beta',
          protocol: 'openai',
          baseUrl: beta.baseUrl,
          apiKeys: ['beta-key'],
          models: [
            fakeModel('beta-chat', {
              quality: 0.5,
              capabilities: ['chat', 'vision'],
              costPer1M: { input: 1, output: 2 },
            }),
          ],
        },
      ],
    },
    undefined,
    { SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_REQUIRE_AUTH: '1' },
  );
  keyA = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'team-a' })).body;
  keyB = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'team-b' })).body;
  const hi = [{ role: 'user' as const, content: 'hi' }];
  alpha.queue({ type: 'text', text: 'one', usage: { prompt: 10, completion: 5 } });
  alpha.queue({ type: 'text', text: 'two', usage: { prompt: 20, completion: 5 } });
  await clientWith(gw.url, keyA.key).chat.completions.create({ model: 'alpha/alpha-chat', messages: hi });
  await clientWith(gw.url, keyA.key).chat.completions.create(
    { model: 'alpha/alpha-chat', messages: hi },
    { headers: { 'x-switchboard-run-id': 'cli-data-run-a2' } },
  );
  beta.queue({ type: 'error', status: 400, message: 'beta refuses this one' });
  await clientWith(gw.url, keyB.key)
    .chat.completions.create({ model: 'beta/beta-chat', messages: hi })
    .catch(() => undefined);
});
afterAll(async () => {
  await gw.close();
  await Promise.all([alpha.close(), beta.close()]);
});

const asAdmin = () => ({ SWITCHBOARD_URL: gw.url, SWITCHBOARD_ADMIN_KEY: ADMIN });
const asA = () => ({ SWITCHBOARD_URL: gw.url, SWITCHBOARD_API_KEY: keyA.key });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Each test spawns the CLI, a second or more of start-up on a loaded machine.
describe('switchboard usage', { timeout: 60_000 }, () => {
  it('shows every client with the admin key, a row and a bar each, and the totals', async () => {
    const { out, code } = await runCli(['usage', '--by', 'client', '--all'], EXIT_ONLY, asAdmin());
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage by client, \d{4}-\d\d-\d\d \d\d:\d\d → .* UTC/);
    const rowA = out.split('\n').find((line) => line.startsWith(keyA.id))!;
    expect(rowA).toMatch(new RegExp(`^${keyA.id}\\s+2\\s+0\\s+30\\s+10\\s+\\$0\\s+\\S+ ms\\s+█+$`));
    expect(out).toContain(keyB.id);
    expect(out).toMatch(/total\s+3\s+1\s+30\s+10/);
  });

  it('--json prints the API report; a client key sees only its own calls', async () => {
    const { out, code } = await runCli(['usage', '--json', '--since', '1h', '--by', 'model'], EXIT_ONLY, asA());
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      group_by: 'model',
      totals: { requests: 2, prompt_tokens: 30, completion_tokens: 10 },
    });
    expect(report.groups.map((g: { key: string }) => g.key)).toEqual(['alpha/alpha-chat']);
    expect(Date.parse(report.to) - Date.parse(report.from)).toBeGreaterThan(3_500_000);
    expect(Date.parse(report.to) - Date.parse(report.from)).toBeLessThan(3_700_000);
  });

  it('exits 77 with the fix when auth is on and no key is given', async () => {
    const { out, code } = await runCli(['usage'], EXIT_ONLY, { SWITCHBOARD_URL: gw.url });
    expect(code).toBe(77);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/^switchboard: .*API key.*SWITCHBOARD_API_KEY/);
  });

  it('exits 2 on a range it cannot read, 69 with how to start a gateway when none answers', async () => {
    const bad = await runCli(['usage', '--since', 'last tuesday'], EXIT_ONLY, asA());
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('30m, 12h, 7d or 2w');
    const none = await runCli(['usage'], EXIT_ONLY, { SWITCHBOARD_URL: `http://127.0.0.1:${await closedPort()}/v1` });
    expect(none.code).toBe(69);
    expect(none.out).toMatch(
      /^switchboard: no gateway answers at http:\/\/127\.0\.0\.1:\d+: start one with `switchboard serve`/,
    );
    expect(none.out).not.toMatch(STACK_LINE);
  });
});

describe('switchboard requests', { timeout: 60_000 }, () => {
  it('lists the log newest first, with status, model, tokens and run id, and says how to page', async () => {
    const { out, code } = await runCli(['requests', '--all', '--limit', '2'], EXIT_ONLY, asAdmin());
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+STATUS\s+MODEL\s+LATENCY\s+TOKENS\s+TRIES\s+RUN\s+ERROR$/);
    expect(lines[1]).toMatch(/error 400\s+beta\/beta-chat .*upstream_bad_request/);
    expect(lines[2]).toMatch(/ok 200\s+alpha\/alpha-chat\s+\S+ ms\s+20 → 5\s+1\s+cli-data-run-a2/);
    expect(lines[3]).toMatch(/^older: switchboard requests --before \S+$/);
  });

  it('--json prints the page; filters go to the gateway; a client key sees only its own', async () => {
    const { out, code } = await runCli(['requests', '--json', '--status', 'ok'], EXIT_ONLY, asA());
    expect(code).toBe(0);
    const page = JSON.parse(out);
    expect(page).toMatchObject({ object: 'list', has_more: false });
    expect(page.data).toHaveLength(2);
    expect(
      page.data.every((row: { client: string; status: string }) => row.client === keyA.id && row.status === 'ok'),
    ).toBe(true);
  });

  it('--follow prints requests as they are logged, oldest first', async () => {
    const following = await runCli(
      ['requests', '--follow', '--interval', '0.1', '--json', '--all'],
      /cli-data-run-a2/,
      asAdmin(),
    );
    expect(following.code).toBeNull();
    expect(following.out).not.toContain('cli-data-followed');
    await clientWith(gw.url, keyB.key).chat.completions.create(
      { model: 'alpha/alpha-chat', messages: [{ role: 'user', content: 'again' }] },
      { headers: { 'x-switchboard-run-id': 'cli-data-followed' } },
    );
    const { out } = await following.more!(/cli-data-followed/);
    const rows = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.at(-1)).toMatchObject({ run_id: 'cli-data-followed', client: keyB.id, status: 'ok' });
    const times = rows.map((row: { ts: number }) => row.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('switchboard models', { timeout: 60_000 }, () => {
  it('lists the models with context, capabilities and price', async () => {
    const { out, code } = await runCli(['models'], EXIT_ONLY, asA());
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+CONTEXT\s+CAPABILITIES\s+PRICE \(IN\/OUT PER 1M\)$/);
    expect(lines[1]).toMatch(/^alpha\/alpha-chat\s+32,768\s+chat, code, tools\s+free$/);
    expect(lines[2]).toMatch(/^beta\/beta-chat\s+32,768\s+chat, vision\s+\$1 \/ \$2$/);
    expect(lines[3]).toBe('2 models; "auto" routes among them.');
  });

  it('filters by capability, provider and price; --json prints the model objects', async () => {
    const vision = await runCli(['models', '--capability', 'chat,vision', '--json'], EXIT_ONLY, asA());
    expect(vision.code).toBe(0);
    expect(JSON.parse(vision.out)).toEqual([
      expect.objectContaining({
        id: 'beta/beta-chat',
        object: 'model',
        owned_by: 'beta',
        capabilities: ['chat', 'vision'],
        context_window: 32_768,
        pricing: { input: 1, output: 2 },
        free: false,
      }),
    ]);
    const free = await runCli(['models', '--free', '--provider', 'beta'], EXIT_ONLY, asA());
    expect(free.out).toBe('No enabled model matches. `switchboard status` shows the providers.\n');
  });

  it('exits 2 naming the capabilities when given one that is not', async () => {
    const { out, code } = await runCli(['models', '--capability', 'telepathy'], EXIT_ONLY, asA());
    expect(code).toBe(2);
    expect(out).toContain("'telepathy' is not a capability; choose from chat, code, tools");
  });
});

describe('switchboard explain', { timeout: 60_000 }, () => {
  it('shows the classification, the candidates in order with their reasons', async () => {
    const { out, code } = await runCli(['explain', '--provider', 'beta', 'Write a Python function'], EXIT_ONLY, asA());
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Task {2}code · complexity [\d.]+ · \d+ tokens\nMode {2}balanced · weights quality [\d.]+, speed [\d.]+, price ×[\d.]+\n\n/,
    );
    expect(out).toMatch(/#\s+MODEL\s+SCORE\s+WHY\n1\s+beta\/beta-chat\s+\d\.\d{3}\s+quality [\d.]+ for code.*paid/);
    // The plan's weights are said once, above the table, not in every row.
    expect(out.match(/weights/g)).toHaveLength(1);
  });

  it('explains a whole request from a file (--request), saying which models were left out and why', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-explain-')), 'body.json');
    const tool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } };
    writeFileSync(file, JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], tools: [tool] }));
    const { out, code } = await runCli(['explain', '--request', file], EXIT_ONLY, asA());
    expect(code).toBe(0);
    expect(out).toMatch(/needs tools\n/);
    expect(out).toMatch(/\n1\s+alpha\/alpha-chat\s/);
    expect(out).toMatch(/Left out\n {2}beta\/beta-chat {2}\S.*tools/);
  });

  it('--json prints the API answer', async () => {
    const { out, code } = await runCli(['explain', '--json', '--mode', 'fastest', 'hello there'], EXIT_ONLY, asA());
    expect(code).toBe(0);
    const answer = JSON.parse(out);
    expect(answer).toMatchObject({ mode: 'fastest', skipped: [] });
    expect(answer.candidates.map((c: { model: string }) => c.model).sort()).toEqual([
      'alpha/alpha-chat',
      'beta/beta-chat',
    ]);
    expect(answer.candidates[0].reasons.length).toBeGreaterThan(0);
  });

  it('exits 2 without a prompt, 1 with the gateway message when it refuses the request', async () => {
    const none = await runCli(['explain'], EXIT_ONLY, asA());
    expect(none.code).toBe(2);
    expect(none.out).toBe('switchboard: give a prompt: switchboard explain "your prompt" (or pipe text in)\n');
    const unknown = await runCli(['explain', '--model', 'nope/nothing', 'hi'], EXIT_ONLY, asA());
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/^switchboard: .*nope\/nothing.*\n$/);
  });
});
