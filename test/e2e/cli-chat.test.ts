// `switchboard chat` in a real terminal (tmux): a streamed answer redrawn as markdown with a status line, /model,
// /mode and /provider steering the next answer, Ctrl-C cancelling an answer while the session goes on, /save, /new,
// and Ctrl-D or Ctrl-C at an empty prompt quitting.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { CLI_ARGV } from './cli-harness.js';
import { eventually, fakeModel, startTestGateway, type TestGateway } from './harness.js';
import { useTerminals, type Terminal } from './tmux-harness.js';

const MARKDOWN = 'Some **bold** words and `code`.\n\n- first item\n- second item\n';
/** The screen ends with an empty prompt (trailing blanks are trimmed from captures). */
const PROMPT = /›$/;
const openTerminal = useTerminals();
let alpha: FakeUpstream;
let beta: FakeUpstream;
let gw: TestGateway;
let term: Terminal;
const dir = mkdtempSync(join(tmpdir(), 'sb-chat-'));

/** The lines of `screen` that start with `start`: prompts (`›`), status lines (`↳`). */
const lines = (screen: string, start: string) => screen.split('\n').filter((line) => line.startsWith(start));

/** Types `line` and returns the screen once it has been dealt with: a new prompt is waiting. */
async function enter(line: string, terminal: Terminal = term): Promise<string> {
  const prompts = lines(await terminal.screen({ scrollback: true }), '›').length;
  await terminal.type(line);
  return terminal.waitFor((text) => lines(text, '›').length > prompts && PROMPT.test(text), { scrollback: true });
}

/** Asks `question` and returns the status line (`↳ …`) under its answer, or under its cancellation. */
async function ask(question: string): Promise<string> {
  return lines(await enter(question), '↳').at(-1)!;
}

beforeAll(async () => {
  [alpha, beta] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
  alpha.setFallback({ type: 'text', text: MARKDOWN });
  beta.setFallback({ type: 'text', text: 'Beta here.' });
  // alpha ranks first for quality (the gateway's default mode here), beta for speed.
  gw = await startTestGateway({
    providers: [
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
    ],
    // A stalled answer stays stalled until the test cancels it, however slow the machine.
    timeouts: { connectMs: 2_000, firstByteMs: 60_000, idleMs: 60_000 },
    // The session counts on balanced putting alpha first: balanced's steering would lean an easy question to beta's
    // speed, and the bandit (on by default) draws beta's quality high enough to pass alpha about one first ask in six.
    routing: { bandit: { enabled: false }, complexity: { span: 0 } },
  });
  term = await openTerminal([...CLI_ARGV, 'chat', '--url', gw.url]);
  await term.waitFor(PROMPT, { timeoutMs: 60_000 });
}, 90_000);
afterAll(async () => {
  await gw?.close();
  await Promise.all([alpha?.close(), beta?.close()]);
});

// One session through the file, as a person would use it: each test goes on from where the last one left it.
describe('switchboard chat in a terminal', { timeout: 60_000 }, () => {
  it('streams the answer, redraws it as markdown, and says who answered after how many attempts', async () => {
    const status = await ask('hello');
    expect(status).toMatch(/^↳ alpha\/alpha-chat · 1 attempt · \d+\.\d s/);
    const screen = await term.screen({ scrollback: true });
    expect(screen).toContain('Some bold words and code.');
    expect(screen).not.toContain('**bold**'); // the streamed markdown source was replaced by its rendering
    expect(alpha.requests.at(-1)!.body).toMatchObject({ stream: true, messages: [{ role: 'user', content: 'hello' }] });
  });

  it('/model switches the model that answers, and the conversation goes with the question', async () => {
    expect(await enter('/model beta/beta-chat')).toContain(
      "model beta/beta-chat · the gateway's default mode · any provider",
    );
    expect(await ask('and you?')).toMatch(/^↳ beta\/beta-chat · 1 attempt/);
    expect(beta.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: MARKDOWN },
      { role: 'user', content: 'and you?' },
    ]);
    expect(await enter('/model nonesuch')).toContain('The gateway serves no model nonesuch');
  });

  it('/mode and /provider steer what auto chooses', async () => {
    await enter('/model auto');
    await enter('/mode fastest');
    expect(await ask('quick one')).toMatch(/^↳ beta\/beta-chat/);
    await enter('/provider alpha');
    expect(await ask('from alpha, please')).toMatch(/^↳ alpha\/alpha-chat/);
    expect(await enter('/mode sluggish')).toContain('Unknown mode sluggish: one of fastest, balanced, best_quality');
    await enter('/provider any');
    await enter('/mode best_quality');
    expect(await ask('best one')).toMatch(/^↳ alpha\/alpha-chat/);
  });

  it('Ctrl-C cancels the answer being streamed, and the session goes on without it', async () => {
    alpha.queue({ type: 'text', text: 'Once upon a time there was', failAfterEvents: { count: 3, how: 'stall' } });
    const prompts = lines(await term.screen({ scrollback: true }), '›').length;
    await term.type('tell me a long story');
    // Part of the answer is on screen while the rest has not come: it streams.
    await term.waitFor(/^Once upon/m);
    await term.press('C-c');
    const screen = await term.waitFor((text) => lines(text, '›').length > prompts && PROMPT.test(text), {
      scrollback: true,
    });
    expect(lines(screen, '↳').at(-1)).toBe('↳ cancelled (not kept in the conversation)');
    expect(screen).not.toContain('a time there was');
    expect(await eventually(() => alpha.requests.at(-1)!.aborted)).toBe(true);
    expect(await ask('still there?')).toMatch(/^↳ alpha\/alpha-chat · 1 attempt/);
    const sent = alpha.requests.at(-1)!.body.messages as Array<{ content: string }>;
    expect(sent.map((m) => m.content)).not.toContain('tell me a long story');
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'still there?' });
  });

  it('/save writes the conversation as JSON or markdown, and /new starts another', async () => {
    expect(await enter(`/save ${join(dir, 'chat.json')}`)).toMatch(/Saved \d+ messages to .*chat\.json/);
    const saved = JSON.parse(readFileSync(join(dir, 'chat.json'), 'utf8'));
    expect(saved).toMatchObject({ model: 'auto', mode: 'best_quality' });
    expect(saved.messages.slice(0, 3)).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: MARKDOWN },
      { role: 'user', content: 'and you?' },
    ]);
    await enter(`/save ${join(dir, 'chat.md')}`);
    const markdown = readFileSync(join(dir, 'chat.md'), 'utf8');
    expect(markdown).toContain('## You\n\nhello\n\n## alpha/alpha-chat\n\nSome **bold** words');
    expect(await enter('/new')).toContain('New conversation.');
    await ask('fresh start');
    expect(alpha.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'fresh start' }]);
  });

  it('/help lists the commands; Ctrl-D at an empty prompt quits with exit code 0', async () => {
    const help = await enter('/help');
    for (const name of ['/model', '/mode', '/provider', '/new', '/save', '/exit']) expect(help).toContain(name);
    expect(await enter('/frobnicate')).toContain('Unknown command /frobnicate: /help lists them.');
    await term.press('C-d');
    await term.waitFor(/\[exit 0\]/);
  });

  it('Ctrl-C at an empty prompt quits too; on a line being typed it only drops the line', async () => {
    const other = await openTerminal([...CLI_ARGV, 'chat', '--url', gw.url]);
    await other.waitFor(PROMPT, { timeoutMs: 60_000 });
    await other.type('half a thought', false);
    await other.press('C-c');
    await other.waitFor(/half a thought\^C\n›$/);
    await other.press('C-c');
    await other.waitFor(/\[exit 0\]/);
    expect(alpha.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'fresh start' }]);
  });
});
