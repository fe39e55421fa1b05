// End to end, as a user runs it: `switchboard serve` with two workers (SWITCHBOARD_WORKERS=2, as `--workers 2`) on a
// real Redis. Both serve the one port; a killed worker is replaced; SIGTERM stops them all and the primary exits 0.
// Without Redis, more than one worker is refused with exit 78.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVE_NODE_OPTIONS } from '../../src/cli/node-options.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, redisEnv } from './harness.js';
import { chatRequests, pollUntil, useGatewayProcesses, writeConfigFile } from './process-harness.js';

const ADMIN = 'admin-key-for-workers';
const startProcess = useGatewayProcesses();
let upstream: FakeUpstream;
let configFile: string;
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  configFile = writeConfigFile({
    logLevel: 'silent',
    server: { shutdownGraceMs: 2_000 },
    providers: [
      { id: 'alpha', protocol: 'openai', baseUrl: upstream.baseUrl, apiKeys: ['k'], models: [fakeModel('alpha-chat')] },
    ],
  });
});
afterAll(() => upstream.close());

/** The pid of the worker that answers GET /admin/status on a new connection (the primary hands each to a worker). */
function answeringPid(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/admin/status`,
      { agent: false, headers: { authorization: `Bearer ${ADMIN}` } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve((JSON.parse(text) as { instance: { pid: number } }).instance.pid));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The pids that answered `rounds` requests on new connections. */
async function answering(url: string, rounds: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < rounds; i += 1) pids.add(await answeringPid(url));
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('switchboard serve --workers 2', () => {
  it('serves from both workers (run with the serve options), replaces a killed one, and stops them all on SIGTERM (exit 0)', async () => {
    const env = { ...redisEnv('workers'), SWITCHBOARD_WORKERS: '2', SWITCHBOARD_ADMIN_KEY: ADMIN };
    const gw = await startProcess(configFile, env);
    const summary = await pollUntil(
      () => /2 workers \(pids (\d+), (\d+)\)/.exec(gw.output()),
      (match) => match !== null,
      30_000,
    );
    const first = [Number(summary![1]), Number(summary![2])];
    // The primary was started without the serve options (src/cli/node-options.ts): its workers run with them.
    for (const pid of first) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toEqual(expect.arrayContaining([...SERVE_NODE_OPTIONS]));
    }

    // New connections go to the workers in turn: both answer.
    expect([...(await answering(gw.url, 6))].sort()).toEqual([...first].sort());
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const before = chatRequests(upstream);
    for (let i = 0; i < 4; i += 1) {
      const answer = await client.chat.completions.create({
        model: 'alpha/alpha-chat',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(answer.choices[0]?.message.content).toBeTruthy();
    }
    expect(chatRequests(upstream) - before).toBe(4);

    // A worker that dies is replaced: the port keeps serving from the survivor, then from the two again.
    const [killed, survivor] = first as [number, number];
    process.kill(killed, 'SIGKILL');
    const replaced = await pollUntil(
      () => /worker (\d+) serving/.exec(gw.output()),
      (match) => match !== null,
      30_000,
    );
    const replacement = Number(replaced![1]);
    expect(first).not.toContain(replacement);
    expect(gw.output()).toContain(`worker ${killed} exited (SIGKILL)`);
    const now = await pollUntil(
      () => answering(gw.url, 4),
      (pids) => pids.size === 2,
      10_000,
    );
    expect([...now].sort()).toEqual([survivor, replacement].sort());

    expect(await gw.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect([survivor, replacement].filter(alive)).toEqual([]);
  }, 90_000);

  it('refuses more than one worker without Redis: exit 78 and why', async () => {
    const failed = await startProcess(configFile, { SWITCHBOARD_WORKERS: '2' }).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(failed).toContain('exited (78) before listening');
    expect(failed).toContain('--workers 2 needs Redis (REDIS_URL)');
    expect(failed).toContain('a single process may open');
  }, 30_000);
});
