// `switchboard ask` (and `chat`'s start) as scripts meet them: piped stdin as context, the exact answer on stdout when it
// is not a terminal, --json, --model / --mode / --system reaching the gateway, and errors as one line with an exit code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { schemaErrors } from '../helpers/openai-schema.js';
import { STACK_LINE, useCli } from './cli-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

const runCli = useCli();
const MARKDOWN = 'Looks fine. **One** nit:\n\n```py\nreturn 1\n```\n';
/** Never matches: a run resolves when the process exits. */
const EXIT = /$^/;
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let guarded: TestGateway;

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  // alpha ranks first for quality (the default mode, balanced, here), beta for speed.
  const providers = [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: alpha.baseUrl,
      apiKeys: ['a'],
      models: [fakeModel('alpha-chat', { quality: 1, speed: 0.05 })],
    },
    {
      id: 'beta',
      protocol: 'openai',
      baseUrl: beta.baseUrl,
      apiKeys: ['b'],
      models: [fakeModel('beta-chat', { quality: 0.3, speed: 0.95 })],
    },
  ];
  // The tests count on balanced putting alpha first: balanced's steering would lean an easy question to beta's speed,
  // and the bandit (on by default) draws beta's quality high enough to pass alpha about one first request in six.
  const routing = { bandit: { enabled: false }, complexity: { span: 0 } };
  gw = await startTestGateway({ providers, routing });
  guarded = await startTestGateway({ providers, routing }, undefined, { SWITCHBOARD_REQUIRE_AUTH: '1' });
});
afterAll(async () => {
  await Promise.all([gw?.close(), guarded?.close()]);
  await Promise.all([alpha?.close(), beta?.close()]);
});

/** Runs `switchboard ask|chat ...args` against the test gateway until it exits, with `stdin` piped in. */
function run(args: string[], stdin = '', env: Record<string, string> = {}) {
  return runCli([...args, '--url', gw.url], EXIT, env, undefined, stdin);
}

// Each test spawns the CLI, seconds of start-up apiece on a loaded machine: one at a time, with room for a slow start.
describe('switchboard ask', { timeout: 60_000 }, () => {
  it('puts piped stdin before the question, and prints the exact answer when stdout is not a terminal', async () => {
    alpha.queue({ type: 'text', text: MARKDOWN });
    // Colours forced on: the answer still reaches a pipe as the model wrote it, markdown source and all.
    const { out, code } = await run(['ask', 'review', 'this'], 'def f():\n    return 1\n', { FORCE_COLOR: '1' });
    expect(out).toBe(MARKDOWN);
    expect(code).toBe(0);
    expect(alpha.requests.at(-1)!.body).toMatchObject({
      stream: true,
      messages: [{ role: 'user', content: 'def f():\n    return 1\n\nreview this' }],
    });
  });

  it('--json prints the whole chat.completion object, unstreamed', async () => {
    const { out, code } = await run(['ask', '--json', 'Say hi']);
    expect(code).toBe(0);
    const completion = JSON.parse(out);
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(completion).toMatchObject({ model: 'alpha/alpha-chat', choices: [{ message: { content: DEFAULT_TEXT } }] });
    expect(alpha.requests.at(-1)!.body.stream).toBeUndefined();
  });

  it('--mode steers what auto chooses; --model names the model; --system comes first', async () => {
    beta.queue({ type: 'text', text: 'fast answer' });
    const fastest = await run(['ask', '--mode', 'fastest', 'quick']);
    expect(fastest).toMatchObject({ out: 'fast answer\n', code: 0 });
    const named = await run(['ask', '--model', 'beta/beta-chat', '--mode', 'best_quality', '-s', 'Be brief.', 'hi']);
    expect(named.code).toBe(0);
    expect(beta.requests.at(-1)!.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('says on one line when the answer breaks off, after the part that came, and exits 1', async () => {
    // Both break: the gateway goes on with the next model when one breaks off, so none is left to finish it.
    const broken = {
      type: 'text',
      text: 'The first words and then',
      failAfterEvents: { count: 3, how: 'break' },
    } as const;
    alpha.queue(broken);
    beta.queue(broken);
    const { out, code } = await run(['ask', 'go on']);
    expect(code).toBe(1);
    expect(out).toMatch(
      /^The first \nswitchboard: The upstream model failed mid-stream: .+ \(the answer is incomplete: ask again\)\n$/,
    );
  });

  it('exits 2 when there is nothing to ask, or for a mode the gateway does not have', async () => {
    const { out, code } = await run(['ask']);
    expect(code).toBe(2);
    expect(out).toBe('switchboard: nothing to ask: give a question (`switchboard ask "..."`) or pipe text in\n');
    const mode = await run(['ask', '--mode', 'sluggish', 'hi']);
    expect(mode.code).toBe(2);
    expect(mode.out).toContain('Allowed choices are fastest, balanced, best_quality');
  });

  it('exits 69 with how to start a gateway when none answers, and 77 with where the key goes when it is refused', async () => {
    const down = await runCli(['ask', 'hi', '--url', 'http://127.0.0.1:9'], EXIT, {}, undefined, '');
    expect(down.code).toBe(69);
    expect(down.out).toMatch(
      /^switchboard: no gateway answers at http:\/\/127\.0\.0\.1:9: start one with `switchboard serve`.*\n$/,
    );
    const refused = await runCli(
      ['ask', 'hi', '--url', guarded.url],
      EXIT,
      { SWITCHBOARD_API_KEY: 'sk-sb-wrong' },
      undefined,
      '',
    );
    expect(refused.code).toBe(77);
    expect(refused.out).toMatch(/^switchboard: .+ \(check SWITCHBOARD_API_KEY.*\)\n$/);
    expect(refused.out).not.toContain('sk-sb-wrong');
    expect(refused.out).not.toMatch(STACK_LINE);
  });

  it('--help shows examples', async () => {
    const { out, code } = await runCli(['ask', '--help'], EXIT);
    expect(code).toBe(0);
    expect(out).toContain('cat main.py | switchboard ask "review this"');
    expect(out).toContain('--mode <mode>');
  });
});

describe('switchboard chat, before the first prompt', { timeout: 60_000 }, () => {
  it('exits 69 when no gateway answers, and 2 for a model the gateway does not serve', async () => {
    const down = await runCli(['chat', '--url', 'http://127.0.0.1:9'], EXIT, {}, undefined, '');
    expect(down.code).toBe(69);
    expect(down.out).toContain('start one with `switchboard serve`');
    const unknown = await run(['chat', '--model', 'nonesuch']);
    expect(unknown).toMatchObject({
      out: 'switchboard: the gateway serves no model nonesuch: `switchboard models` lists them\n',
      code: 2,
    });
  });

  it('--help shows examples and the commands of the chat', async () => {
    const { out, code } = await runCli(['chat', '--help'], EXIT);
    expect(code).toBe(0);
    for (const text of ['switchboard chat --mode fastest', '/model [NAME|auto]', '/save FILE', 'Ctrl-C cancels'])
      expect(out).toContain(text);
  });
});
