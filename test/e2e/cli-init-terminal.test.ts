// `switchboard init` as a person uses it, in a real terminal (tmux): the free providers with where to get a key, a key
// pasted at a hidden prompt (never on screen), refused then accepted by a provider on 127.0.0.1 under a spinner, a
// client key, the agent's folder; then a second run that shows the stored key masked and removes it.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { projectFor, startKeyedProvider, vaultKeys, type KeyedProvider } from './init-harness.js';
import { startTerminal, type Terminal } from './terminal-harness.js';

const CLI = path.join(import.meta.dirname, '../../src/cli/index.ts');
const TSX = import.meta.resolve('tsx');
const GOOD = `gsk_pasted_${Date.now()}_good0123456789`;
const BAD = `gsk_pasted_${Date.now()}_bad0123456789`;

let provider: KeyedProvider;
const terminals: Terminal[] = [];
beforeAll(async () => {
  provider = await startKeyedProvider(GOOD);
});
afterAll(async () => {
  await provider.close();
});
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

/** `switchboard init` in a new terminal, in `dir`, with nothing of this process's environment. */
function initIn(dir: string): Terminal {
  const home = mkdtempSync(path.join(tmpdir(), 'sb-home-'));
  const env = { PATH: process.env['PATH'] ?? '', HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  const terminal = startTerminal([process.execPath, '--import', TSX, CLI, 'init'], { cwd: dir, env });
  terminals.push(terminal);
  return terminal;
}

/** No screen the terminal showed, nor its scrollback, holds either key. */
function expectNoKeyShown(terminal: Terminal): void {
  for (const screen of [...terminal.seen, terminal.history()]) {
    expect(screen).not.toContain(GOOD);
    expect(screen).not.toContain(BAD);
    expect(screen).not.toContain('gsk_pasted');
  }
}

// The CLI is a child loaded under tsx, and each step waits for the next screen: generous on a loaded machine.
describe('switchboard init in a terminal', { timeout: 240_000 }, () => {
  it('takes a pasted key hidden, checks it with the provider, stores it, and edits the setup on a second run', async () => {
    const dir = projectFor(provider.baseUrl);
    const first = initIn(dir);
    expect(await first.waitFor(/◆ {2}What next\?/)).toContain('Master key: none yet');
    first.press('Enter');
    const providers = await first.waitFor(/◆ {2}Which provider\?/);
    expect(providers).toMatch(/Groq +console\.groq\.com\/keys/);
    expect(providers).toContain('A paid provider…');
    first.press('Down');
    await first.waitFor(/● Groq/);
    first.press('Enter');

    await first.waitFor(/◆ {2}Paste the Groq key/);
    first.type(BAD);
    await first.waitFor(/▪{10}/);
    first.press('Enter');
    await first.waitFor(/Groq refused the key \(HTTP 401\): Invalid API Key[\s\S]*◆ {2}What now\?/);
    first.press('Enter');
    await first.waitFor(/◆ {2}Paste the Groq key/);
    first.type(GOOD);
    first.press('Enter');
    const stored = await first.waitFor(/Groq accepted the key \(2 models\)[\s\S]*◆ {2}What next\?/);
    expect(stored).toContain('Created the master key file');
    expect(stored).toMatch(new RegExp(`groq +gsk_…${GOOD.slice(-4)} +key_[0-9a-f]{12}`));
    expect(provider.tokens).toEqual([BAD, GOOD]);
    first.press('Enter');

    await first.waitFor(/◆ {2}Create a client key\?/);
    first.press('y');
    await first.waitFor(/◆ {2}Who or what is it for\?/);
    first.type('laptop');
    first.press('Enter');
    expect(await first.waitFor(/◆ {2}Folders the coding agent may edit/)).toMatch(/sk-sb-[\w-]{20,}/);
    first.press('Enter');
    expect(await first.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
    expectNoKeyShown(first);

    expect(await vaultKeys(dir)).toEqual([{ provider: 'groq', key: GOOD }]);
    const file = path.join(dir, 'switchboard.yaml');
    expect(readFileSync(file, 'utf8')).toContain('# my own comment, to keep');
    expect(loadConfig({ file, env: {} }).config.agents.workspaceRoots).toEqual([dir]);

    // Again: the stored key shown masked, removed on request; the client key counted, the config left as it is.
    const second = initIn(dir);
    const menu = await second.waitFor(/◆ {2}What next\?/);
    expect(menu).toMatch(new RegExp(`groq +gsk_…${GOOD.slice(-4)}`));
    expect(menu).toContain(`Master key: ${path.join(dir, '.switchboard', 'master.key')}`);
    second.press('Up');
    await second.waitFor(/● Remove a stored key/);
    second.press('Enter');
    await second.waitFor(/◆ {2}Which key to remove\?/);
    second.press('Enter');
    await second.waitFor(/◆ {2}Remove groq/);
    second.press('y');
    await second.waitFor(/Removed key_[0-9a-f]{12}[\s\S]*◆ {2}What next\?/);
    second.press('Down');
    await second.waitFor(/● Skip: add keys later/);
    second.press('Enter');
    await second.waitFor(/◆ {2}1 client key\(s\) exist/);
    second.press('n');
    expect(await second.waitFor(/◆ {2}Folders the coding agent may edit/)).toContain(dir);
    second.press('Enter');
    const end = await second.waitFor(/\[exit \d+\]/);
    expect(end).toContain('nothing to change');
    expect(end).toContain('[exit 0]');
    expectNoKeyShown(second);
    expect(await vaultKeys(dir)).toEqual([]);
  });
});
