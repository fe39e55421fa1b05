// Records a short `switchboard chat` session for the README: a gateway in front of two fake providers on 127.0.0.1,
// the chat in a real terminal (tmux, 100x34), a few turns typed into it (one cancelled with Ctrl-C), and the screen
// written to docs/cli/chat.txt.
// Run: node --import tsx bench/record-chat.ts [--out=FILE]   (needs tmux; the latencies shown are this run's own)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenAIUpstream } from '../test/fakes/openai-wire.js';
import { CLI_ARGV } from '../test/e2e/cli-harness.js';
import { fakeModel, startTestGateway } from '../test/e2e/harness.js';
import { openTerminal } from '../test/e2e/tmux-harness.js';

const out = process.argv.find((arg) => arg.startsWith('--out='))?.slice(6) ?? join('docs', 'cli', 'chat.txt');

const ANSWER = `Use \`readline\` over a file stream: it yields one line at a time, so even a large file is never
held in memory whole.

\`\`\`js
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

for await (const line of createInterface({ input: createReadStream('big.log') })) {
  if (line.includes('ERROR')) console.log(line);
}
\`\`\`

- \`crlfDelay: Infinity\` treats \`\\r\\n\` as one line break.
- For a small file, \`(await readFile(path, 'utf8')).split('\\n')\` is simpler.
`;

const [careful, quick] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
careful.setFallback({ type: 'text', text: ANSWER, chunkDelayMs: 15 });
quick.setFallback({ type: 'text', text: 'About 1,000 lines per megabyte of typical log output.', chunkDelayMs: 15 });
// Ids of no catalog provider (a catalog id would bring the catalog's models along): both are fakes on 127.0.0.1.
const gw = await startTestGateway({
  providers: [
    {
      id: 'thorough',
      protocol: 'openai',
      baseUrl: careful.baseUrl,
      apiKeys: ['fake'],
      models: [fakeModel('large-70b', { quality: 0.9, speed: 0.5 })],
    },
    {
      id: 'swift',
      protocol: 'openai',
      baseUrl: quick.baseUrl,
      apiKeys: ['fake'],
      models: [fakeModel('small-8b', { quality: 0.5, speed: 0.95 })],
    },
  ],
});
// One request first, as a gateway that has been running has served some: the first one pays for warming up.
await gw.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'warm up' }] });
const terminal = await openTerminal([...CLI_ARGV, 'chat', '--url', gw.url], {}, { columns: 100, rows: 34 });
try {
  const prompts = (screen: string) => screen.split('\n').filter((line) => line.startsWith('›')).length;
  /** Types `line`, then waits for the next prompt. */
  const enter = async (line: string) => {
    const before = prompts(await terminal.screen(true));
    await terminal.type(line);
    await terminal.waitFor((screen) => prompts(screen) > before && screen.endsWith('›'), 60_000);
  };
  await terminal.waitFor(/›$/, 60_000);
  await enter('How do I read a big file line by line in Node?');
  await enter('/mode fastest');
  await enter('Roughly how many lines is a 5 MB log?');
  // A long answer, cancelled with Ctrl-C once it has begun: the session goes on.
  quick.queue({ type: 'text', text: `Ode to the log file. ${'Line after line, '.repeat(40)}`, chunkDelayMs: 150 });
  const before = prompts(await terminal.screen(true));
  await terminal.type('Write an ode to log files');
  await terminal.waitFor(/Line after line, Line after line,/, 60_000);
  await terminal.press('C-c');
  await terminal.waitFor((screen) => prompts(screen) > before && screen.endsWith('›'), 60_000);
  writeFileSync(out, `${await terminal.screen()}\n`);
  console.log(`wrote ${out}`);
} finally {
  await terminal.close();
  await gw.close();
  await Promise.all([careful.close(), quick.close()]);
}
