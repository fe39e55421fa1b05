// The scripts in examples/ as a reader runs them, against a gateway with client auth on: SWITCHBOARD_URL given as the
// gateway's root or with /v1 (as the CLI takes it), SWITCHBOARD_API_KEY as the client key.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call } from './accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const ADMIN = 'admin-examples-e2e';
const REPO = path.join(import.meta.dirname, '../..');
const TSX = import.meta.resolve('tsx');
let upstream: FakeUpstream;
let gw: TestGateway;
let clientKey: string;

/** The providers and models the examples name (curl.sh pins groq/openai/gpt-oss-20b), all served by one fake. */
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  const provider = (id: string, model: string) => ({
    id,
    protocol: 'openai',
    baseUrl: upstream.baseUrl,
    apiKeys: [`${id}-key`],
    models: [fakeModel(model)],
  });
  gw = await startTestGateway(
    { providers: [provider('groq', 'openai/gpt-oss-20b'), provider('gemini', 'gemini-2.5-flash-lite')] },
    undefined,
    { SWITCHBOARD_ADMIN_KEY: ADMIN, SWITCHBOARD_REQUIRE_AUTH: '1' },
  );
  clientKey = (await call(gw.url, 'POST', '/admin/client-keys', ADMIN, { name: 'examples' })).body.key;
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

/** Runs an example from the repository's root to its end; its output (stdout and stderr) and exit code. */
function runExample(command: string[], env: Record<string, string>): Promise<{ out: string; code: number | null }> {
  const [file, ...args] = command;
  const argv = file!.endsWith('.ts') ? [process.execPath, '--import', TSX, file!, ...args] : ['bash', file!, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: REPO, env: { PATH: process.env['PATH'] ?? '', ...env } });
  child.stdin.end();
  let out = '';
  child.stdout.on('data', (data: Buffer) => void (out += data.toString()));
  child.stderr.on('data', (data: Buffer) => void (out += data.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ out, code })));
}

const withKey = (url: string) => ({ SWITCHBOARD_URL: url, SWITCHBOARD_API_KEY: clientKey });

describe('examples/ against a gateway with auth on', { timeout: 60_000 }, () => {
  it('openai-sdk.ts answers, with SWITCHBOARD_URL as the root; without a key it is refused', async () => {
    const { out, code } = await runExample(['examples/openai-sdk.ts'], withKey(gw.url));
    expect(code).toBe(0);
    expect(out).toMatch(/Hello from the fake upstream\.\nanswered by (groq|gemini)\/\S+ after 1 attempt/);
    const refused = await runExample(['examples/openai-sdk.ts'], { SWITCHBOARD_URL: gw.url });
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('401');
  });

  it('curl.sh makes its three calls, with SWITCHBOARD_URL ending in /v1', async () => {
    const { out, code } = await runExample(['examples/curl.sh'], withKey(`${gw.url}/v1`));
    expect(code).toBe(0);
    expect(out).toMatch(/x-switchboard-model: \S+/i);
    expect(out).toContain('"model":"groq/openai/gpt-oss-20b"');
    expect(out).toContain('data: [DONE]');
    const refused = await runExample(['examples/curl.sh'], { SWITCHBOARD_URL: gw.url });
    expect(refused.code).toBe(22);
  });

  it('follow-run.ts follows the chat it starts to its end', async () => {
    const args = ['examples/follow-run.ts', '--run', 'examples-run', '--ask', 'Write a haiku'];
    const { out, code } = await runExample(args, withKey(`${gw.url}/v1/`));
    expect(code).toBe(0);
    expect(out).toContain('✓ call');
    expect(out).toMatch(/done: \{"model":"\S+","attempts":1/);
  });

  it('agent-human-in-the-loop.ts runs a task to its answer', async () => {
    upstream.queue({ type: 'text', text: 'Here:\n\n```go\nfunc main() {}\n```' });
    const args = ['examples/agent-human-in-the-loop.ts', 'Write a main in Go', '--thread', 'examples-thread'];
    const { out, code } = await runExample(args, withKey(gw.url));
    expect(code).toBe(0);
    expect(out).toContain('thread examples-thread');
    expect(out).toContain('--- code ---\nfunc main() {}');
  });
});
