// `switchboard status` as a user runs it: a child process against a real gateway in front of fake providers, its
// table, --json, --watch and exit codes (69 when no gateway answers, 77 without the admin key).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../src/server/status/types.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import { CLI_ARGV, spawnCli, STACK_LINE, useCli } from './cli-harness.js';
import type { TestGateway } from './harness.js';
import { ADMIN_KEY, provider, startKeysGateway } from './keys-harness.js';

const runCli = useCli();
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  gw = await startKeysGateway({
    providers: [
      provider('alpha', 'openai', alpha, 0.9, {
        apiKeys: ['sk-alpha-one-1111', 'sk-alpha-two-2222'],
        limits: { rpd: 20, tpd: 1_000_000 },
      }),
      provider('beta', 'openai', beta, 0.5, { apiKeys: ['sk-beta-three-3333'], limits: { rpd: 100 } }),
    ],
  });
  env = { SWITCHBOARD_URL: gw.url, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY };
  for (let i = 0; i < 4; i++)
    await gw.client.chat.completions.create({
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: `hi ${i}` }],
    });
  beta.queue({
    type: 'error',
    status: 429,
    message: 'Requests per day limit exceeded',
    headers: { 'x-ratelimit-remaining-requests-day': '0', 'x-ratelimit-reset-requests-day': '3600' },
  });
  await gw.client.chat.completions
    .create({ model: 'beta/beta-chat', messages: [{ role: 'user', content: 'hi' }] })
    .catch(() => undefined);
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([alpha?.close(), beta?.close()]);
});

/** Runs the CLI to its end. */
const finished = (args: string[], extra: Record<string, string> = {}) => runCli(args, /$^/, { ...env, ...extra });

// Each test starts the CLI once or twice (a second or more each on a loaded machine, most of it loading TypeScript).
describe('switchboard status', { timeout: 60_000 }, () => {
  it('prints providers and their keys with circuit, keys usable, headroom today, reset and latency; exit 0', async () => {
    const { out, code } = await finished(['status']);
    expect(code).toBe(0);
    expect(out).not.toContain('\u001b['); // not a terminal: no colours
    for (const secret of ['sk-alpha-one-1111', 'sk-alpha-two-2222', 'sk-beta-three-3333'])
      expect(out).not.toContain(secret);
    expect(out).toMatch(/Requests, last 5 min: 5 \(1\/min\), 20% errors/);
    expect(out).toContain('Nearly spent today: beta');
    const row = (id: string) => out.split('\n').find((line) => line.startsWith(`${id} `))!;
    expect(row('alpha')).toMatch(/^alpha\s+closed\s+2\/2\s+36\/40 90%\s+\S+\/2M 99%\s+in 2\dh(\d+m)?\s+\d+ ms\s+0%$/);
    expect(row('beta')).toMatch(/^beta\s+closed\s+0\/1 1 resting\s+0\/100 0%\s+-\s+in 1h\s+-\s+100%$/);
    // Each key under its provider, masked, with its own state and headroom.
    const keyRows = out.split('\n').filter((line) => /^ {2}\S+ key_[0-9a-f]{12}/.test(line));
    expect(keyRows).toHaveLength(3);
    expect(keyRows.filter((line) => /usable\s+18\/20 90%/.test(line))).toHaveLength(2);
    expect(keyRows[2]).toMatch(/resting in 1h\s+0\/100 0%/);
    expect(out).toMatch(/Off \(\d+\): .*groq/);
  });

  it('--json prints the body of GET /admin/status', async () => {
    const { out, code } = await finished(['status', '--json', '--minutes', '10']);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as StatusSnapshot;
    const { body } = await call(gw.url, 'GET', '/admin/status?minutes=10', ADMIN_KEY);
    const shape = (s: StatusSnapshot) => ({
      keys: Object.keys(s),
      windowMinutes: s.windowMinutes,
      providers: s.providers.map((p) => ({ id: p.id, keys: p.keys.map((k) => k.id), day: p.freeTier?.day })),
    });
    expect(shape(printed)).toEqual(shape(body as StatusSnapshot));
    expect(printed.windowMinutes).toBe(10);
  });

  it('--watch redraws until stopped: snapshots one after another when not on a terminal, and Ctrl-C ends it with 0', async () => {
    const child = spawnCli(['status', '--watch', '1', '--json'], env);
    let out = '';
    child.stdout.on('data', (data: Buffer) => void (out += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => out.split('\n').filter(Boolean).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      // One JSON snapshot per line.
      const lines = out.split('\n').filter(Boolean);
      for (const line of lines) expect((JSON.parse(line) as StatusSnapshot).object).toBe('gateway.status');
      expect(child.exitCode).toBeNull();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--watch on text prints each table in turn', async () => {
    const { out, code } = await runCli(['status', '-w', '1'], /(Switchboard at[\s\S]*){2}Off/, env);
    expect(code).toBeNull();
    expect(out.match(/^alpha\s+closed/gm)).toHaveLength(2);
  });

  it.skipIf(!hasTmux())('--watch on a terminal redraws in place, in colour', async () => {
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args]).toString();
    const socket = `sb-status-${process.pid}`;
    const exports = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    try {
      tmux('new-session', '-d', '-x', '160', '-y', '50', 'env', ...exports, ...CLI_ARGV, 'status', '--watch', '1');
      const screen = () => tmux('capture-pane', '-p', '-e');
      await expect.poll(() => screen(), { timeout: 20_000, interval: 200 }).toMatch(/^alpha/m);
      const first = screen();
      // The header's clock moves on with each frame, and the frame replaces the last rather than follow it.
      await expect.poll(() => clock(screen()), { timeout: 20_000, interval: 200 }).not.toBe(clock(first));
      const later = screen();
      expect(later.match(/Switchboard/g)).toHaveLength(1);
      expect(later).toContain('\u001b[32m'); // green: colours on a terminal
    } finally {
      execFileSync('tmux', ['-L', socket, 'kill-server']);
    }
  });

  it('exits 69 with how to start a gateway when none answers', async () => {
    const port = await closedPort();
    const { out, code } = await finished(['status'], { SWITCHBOARD_URL: `http://127.0.0.1:${port}` });
    expect(code).toBe(69);
    expect(out).toContain('switchboard serve');
    expect(out).not.toMatch(STACK_LINE);
  });

  it('exits 77 without the admin key, saying where to set it', async () => {
    const { out, code } = await finished(['status'], { SWITCHBOARD_ADMIN_KEY: '' });
    expect(code).toBe(77);
    expect(out).toContain('SWITCHBOARD_ADMIN_KEY');
    expect(out).not.toMatch(STACK_LINE);
  });

  it('--help shows examples and the exit codes; a bad --watch is refused', async () => {
    const help = await finished(['status', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    expect(help.out).toContain('switchboard status --watch');
    expect(help.out).toMatch(/69 no gateway answers/);
    const bad = await finished(['status', '--watch', '0']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('expected seconds');
  });
});

/** The header line's time, the only text of a frame sure to change from one to the next. */
function clock(screen: string): string | undefined {
  return /Switchboard\S* at \S+, (.*)/.exec(screen)?.[1];
}

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
