// End to end on the test Redis: two `switchboard serve` processes together respect one key's rpm, and two gateways
// sharing a key prefix see a key the other disabled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { redisEnv, type TestGateway } from './harness.js';
import { ask, findKey, keyOf, keysSeen, listKeys, provider, startKeysGateway, until } from './keys-harness.js';

const CLI = join(import.meta.dirname, '../../src/cli/index.ts');
/** tsx by absolute URL: the child runs in a temp directory, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');
const ALPHA = 'sk-alpha-shared-1111aaaa1111';
const BETA = 'sk-beta-shared-2222bbbb2222';

let alpha: FakeUpstream;
let beta: FakeUpstream;
const children: ChildProcess[] = [];
const gateways: TestGateway[] = [];

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
});
beforeEach(() => {
  for (const fake of [alpha, beta]) {
    fake.requests.length = 0;
    fake.setFallback({ type: 'text', text: DEFAULT_TEXT });
  }
});
afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM')),
        ),
    ),
  );
  await Promise.all(gateways.map((gw) => gw.close()));
  await Promise.all([alpha?.close(), beta?.close()]);
});

/** Starts `switchboard serve` on a free port; resolves with its base URL (".../v1") once it says it listens. */
function serve(configFile: string, env: Record<string, string>): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, CLI, 'serve', '--config', configFile, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: mkdtempSync(join(tmpdir(), 'sb-keys-')),
      env: { PATH: process.env['PATH'] ?? '', ...env },
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (data: Buffer) => {
      out += data.toString();
      const listening = /listening on (\S+)/.exec(out);
      if (listening) resolve(listening[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

async function chat(base: string): Promise<{ status: number; servedBy: string | null }> {
  const res = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.text();
  return { status: res.status, servedBy: res.headers.get('x-switchboard-model') };
}

describe('keys and limits shared through Redis', () => {
  it('two serve processes together send one key no more than its rpm; the rest go to the other provider', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-keys-cfg-'));
    const file = join(dir, 'switchboard.yaml');
    writeFileSync(
      file,
      `providers:
  - id: alpha
    protocol: openai
    baseUrl: ${alpha.baseUrl}
    apiKeys: ["\${ALPHA_KEY}"]
    limits: { rpm: 3 }
    models: [{ id: alpha-chat, capabilities: [chat], quality: 0.9 }]
  - id: beta
    protocol: openai
    baseUrl: ${beta.baseUrl}
    apiKeys: ["\${BETA_KEY}"]
    models: [{ id: beta-chat, capabilities: [chat], quality: 0.5 }]
discovery: { enabled: false } # a background listing would be one more request to the fakes than the test counts
logLevel: silent
`,
    );
    const env = { ...redisEnv('keys-rpm'), ALPHA_KEY: ALPHA, BETA_KEY: BETA };
    const [one, two] = await Promise.all([serve(file, env), serve(file, env)]);
    expect(one).not.toBe(two);

    // Eight requests at once, alternating between the two processes, well within one minute.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => chat(i % 2 === 0 ? one : two)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(alpha.requests).toHaveLength(3);
    expect(beta.requests).toHaveLength(5);
    expect(results.filter((r) => r.servedBy === 'alpha/alpha-chat')).toHaveLength(3);
    expect(keysSeen(alpha)).toEqual([ALPHA, ALPHA, ALPHA]);
  });

  it('a gateway sees a key that another gateway on the same Redis disabled, and stops using it', async () => {
    const BAD = 'sk-alpha-revoked-3333cccc';
    const GOOD = 'sk-alpha-working-4444dddd';
    // Only the first request with BAD is refused: had B to learn of it by itself, it would find BAD working.
    let refused = false;
    alpha.setFallback((req) => {
      if (keyOf(req) !== BAD || refused) return { type: 'text', text: DEFAULT_TEXT };
      refused = true;
      return { type: 'error', status: 401, message: 'invalid api key' };
    });
    const config = {
      providers: [
        provider('alpha', 'openai', alpha, 0.9, { apiKeys: [BAD, GOOD] }),
        provider('beta', 'openai', beta, 0.5, { apiKeys: [BETA] }),
      ],
    };
    const env = redisEnv('keys-health');
    const a = await startKeysGateway(config, env);
    gateways.push(a);
    const b = await startKeysGateway(config, env);
    gateways.push(b);

    // A retries the request with GOOD at once; B must learn of BAD from Redis.
    expect((await ask(a)).servedBy).toBe('alpha/alpha-chat');
    expect(keysSeen(alpha)).toEqual([BAD, GOOD]);
    const seenOnB = async () => findKey((await listKeys(b.url)).keys, 'alpha', BAD)?.status === 'disabled';
    expect(await until(seenOnB, 5_000)).toBe(true);
    expect(findKey((await listKeys(b.url)).keys, 'alpha', BAD)?.reason).toContain('401');

    const before = alpha.requests.length;
    for (let i = 0; i < 4; i++) expect((await ask(b)).servedBy).toBe('alpha/alpha-chat');
    expect(keysSeen(alpha).slice(before)).toEqual([GOOD, GOOD, GOOD, GOOD]);
  });
});
