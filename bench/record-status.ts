// Records `switchboard status --watch` for the README: a gateway in front of two fake providers on 127.0.0.1 with
// published free-tier limits, a few requests through it (one provider spent for the day), the command in a real
// terminal (tmux, 110x24), and its screen after a refresh written to docs/cli/status.txt.
// Run: node --import tsx bench/record-status.ts [--out=FILE]   (needs tmux; the figures shown are this run's own)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenAIUpstream } from '../test/fakes/openai-wire.js';
import { CLI_ARGV } from '../test/e2e/cli-harness.js';
import { fakeModel, startTestGateway } from '../test/e2e/harness.js';
import { openTerminal } from '../test/e2e/tmux-harness.js';

const out = process.argv.find((arg) => arg.startsWith('--out='))?.slice(6) ?? join('docs', 'cli', 'status.txt');
const ADMIN_KEY = 'sb-admin-recording';

const [groqLike, geminiLike] = await Promise.all([startOpenAIUpstream(), startOpenAIUpstream()]);
for (const upstream of [groqLike, geminiLike])
  upstream.setFallback({ type: 'text', text: 'Hello.', usage: { prompt: 120, completion: 30 } });
// Ids of no catalog provider (a catalog id would bring the catalog's models along): both are fakes on 127.0.0.1.
const gw = await startTestGateway(
  {
    providers: [
      {
        id: 'swift',
        name: 'Swift Cloud',
        protocol: 'openai',
        baseUrl: groqLike.baseUrl,
        apiKeys: ['sk-swift-one-00001111', 'sk-swift-two-00002222'],
        limits: { rpm: 30, rpd: 1_000, tpm: 6_000, tpd: 500_000 },
        models: [fakeModel('small-8b', { quality: 0.6, speed: 0.95 })],
      },
      {
        id: 'thorough',
        name: 'Thorough AI',
        protocol: 'openai',
        baseUrl: geminiLike.baseUrl,
        apiKeys: ['sk-thorough-00003333'],
        limits: { rpm: 5, rpd: 3 },
        models: [fakeModel('large-70b', { quality: 0.9, speed: 0.5 })],
      },
    ],
  },
  undefined,
  { SWITCHBOARD_ADMIN_KEY: ADMIN_KEY },
);
for (const model of ['swift/small-8b', 'swift/small-8b', 'swift/small-8b', 'thorough/large-70b', 'thorough/large-70b'])
  await gw.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
const terminal = await openTerminal(
  [...CLI_ARGV, 'status', '--watch', '2', '--url', gw.url],
  { SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, FORCE_COLOR: '0' },
  { columns: 110, rows: 24 },
);
try {
  await terminal.waitFor(/thorough/, 60_000);
  // One more request while it watches: the next refresh shows it.
  await gw.client.chat.completions.create({ model: 'swift/small-8b', messages: [{ role: 'user', content: 'again' }] });
  await new Promise((resolve) => setTimeout(resolve, 4_500));
  writeFileSync(out, `$ switchboard status --watch 2\n${await terminal.screen()}\n`);
  console.log(`wrote ${out}`);
} finally {
  await terminal.close();
  await gw.close();
  await Promise.all([groqLike.close(), geminiLike.close()]);
}
