// The chat webview's page in headless Chromium (Debian's, through playwright-core) under its real CSP: a streamed
// answer rendered as markdown with its code buttons and footer, HTML in an answer kept inert, the input box; the
// README's screenshots come from here (WRITE_SCREENSHOTS=1).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a11yViolations, launchBrowser } from '../../../test/helpers/browser.js';
import { chatHtml, makeNonce } from '../src/chat/html.js';
import type { ToWebview } from '../src/webview/protocol.js';

const ORIGIN = 'https://webview.test';
const SHOTS = path.resolve(import.meta.dirname, '../media/screenshots');
/** A few of the variables VS Code's Dark Modern theme gives a webview. */
const THEME: Record<string, string> = {
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-editor-font-size': '12px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-sideBar-background': '#181818',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-editorGroupHeader-tabsBackground': '#1f1f1f',
  '--vscode-textCodeBlock-background': '#2b2b2b',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-errorForeground': '#f85149',
};

let browser: Browser;
let script: string;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'sb-webview-'));
  await build({
    entryPoints: [path.resolve(import.meta.dirname, '../src/webview/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    outfile: path.join(work, 'webview.js'),
    logLevel: 'warning',
  });
  script = readFileSync(path.join(work, 'webview.js'), 'utf8');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The page as VS Code would serve it, with `acquireVsCodeApi` recording what it posts; CSP reports collected. */
async function openChat(bypassCSP = false): Promise<{ page: Page; cspErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 400, height: 720 }, bypassCSP });
  const cspErrors: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
  });
  const html = chatHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/webview.js`, nonce: makeNonce() });
  await page.route(`${ORIGIN}/**`, (route) =>
    route.request().url().endsWith('/webview.js')
      ? route.fulfill({ contentType: 'text/javascript', body: script })
      : route.fulfill({ contentType: 'text/html', body: html }),
  );
  await page.addInitScript((theme: Record<string, string>) => {
    const w = window as unknown as { posted: unknown[]; acquireVsCodeApi(): unknown };
    w.posted = [];
    w.acquireVsCodeApi = () => ({ postMessage: (message: unknown) => w.posted.push(message) });
    // As VS Code does, on the html element: it exists once the document is parsed.
    document.addEventListener('DOMContentLoaded', () => {
      for (const [name, value] of Object.entries(theme)) document.documentElement.style.setProperty(name, value);
    });
  }, THEME);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { posted: unknown[] }).posted.length > 0);
  return { page, cspErrors };
}

function send(page: Page, message: ToWebview): Promise<void> {
  return page.evaluate((m) => window.postMessage(m, '*'), message);
}
const posted = (page: Page) => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);

async function shoot(page: Page, name: string): Promise<void> {
  const keep = process.env['WRITE_SCREENSHOTS'] === '1';
  await page.screenshot({ ...(keep ? { path: path.join(SHOTS, `${name}.png`) } : {}) });
}

const ANSWER = [
  '`slugify` lower-cases the title, then replaces every run of characters that are not letters or digits with ',
  'one `-`. Two things to watch:\n\n',
  '1. Accents are dropped rather than folded (`Crème` gives `cr-me`).\n',
  '2. Leading and trailing dashes stay.\n\n',
  'A version that handles both:\n\n```ts\nexport function slugify(title: string): string {\n',
  "  return title\n    .normalize('NFKD')\n    .replace(/[\\u0300-\\u036f]/g, '')\n    .toLowerCase()\n",
  "    .replace(/[^a-z0-9]+/g, '-')\n    .replace(/^-|-$/g, '');\n}\n```\n",
];

describe('the chat webview', { timeout: 60_000 }, () => {
  it('streams an answer into rendered markdown with code buttons and a footer naming the model', async () => {
    const { page, cspErrors } = await openChat();
    expect(await posted(page)).toEqual([{ type: 'ready' }]);
    await send(page, { type: 'context', label: 'src/text.ts lines 3-5' });
    await send(page, {
      type: 'question',
      id: 't1',
      prompt: 'Is this slugify right?',
      context: 'with src/text.ts lines 3-5',
    });
    for (const text of ANSWER) await send(page, { type: 'delta', id: 't1', text });
    await send(page, { type: 'answered', id: 't1', provider: 'groq', model: 'groq/llama-3.3-70b-versatile' });

    await expect
      .poll(() => page.locator('.footer').textContent())
      .toBe('Answered by groq/llama-3.3-70b-versatile via groq');
    expect(await page.locator('#context').textContent()).toBe('Context: src/text.ts lines 3-5');
    expect(await page.locator('.markdown ol li').count()).toBe(2);
    expect(await page.locator('.code-block .code-lang').textContent()).toBe('ts');
    expect(await page.locator('.code-block button').allTextContents()).toEqual([
      'Insert at cursor',
      'Replace selection',
      'Copy',
    ]);
    await page.getByRole('button', { name: 'Replace selection' }).click();
    const replace = (await posted(page)).at(-1) as { type: string; code: string };
    expect(replace.type).toBe('replace');
    expect(replace.code.startsWith('export function slugify(title: string): string {\n')).toBe(true);
    expect(replace.code.endsWith("    .replace(/^-|-$/g, '');\n}")).toBe(true);

    await page.locator('#prompt').fill('And with tests?');
    await page.locator('#prompt').press('Enter');
    expect((await posted(page)).at(-1)).toEqual({ type: 'ask', prompt: 'And with tests?' });
    await page.locator('#prompt').fill('');
    await shoot(page, 'chat');
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it('keeps HTML in an answer inert, and shows a failure as what to do', async () => {
    const { page, cspErrors } = await openChat();
    await send(page, { type: 'question', id: 't1', prompt: 'hi', context: undefined });
    await send(page, {
      type: 'delta',
      id: 't1',
      text: 'Look: <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> [x](javascript:window.pwned=3)',
    });
    await send(page, { type: 'answered', id: 't1', provider: 'alpha', model: 'alpha/alpha-chat' });
    await expect.poll(() => page.locator('.footer').textContent()).toContain('alpha/alpha-chat');
    expect(await page.locator('.markdown img, .markdown script, .markdown a').count()).toBe(0);
    expect(await page.locator('.markdown').textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    await send(page, { type: 'question', id: 't2', prompt: 'Why is the sky blue?', context: 'with src/app.ts' });
    await send(page, {
      type: 'failed',
      id: 't2',
      message:
        'Switchboard: rate limit reached (Rate limit of 20 requests per minute reached). Try again in 12 s, or switch the mode to one with more free capacity.',
    });
    expect(await page.locator('.error').textContent()).toContain('Try again in 12 s');
    await shoot(page, 'error');
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it('has no serious accessibility violations (axe-core, injected past the CSP, which would block it)', async () => {
    const { page } = await openChat(true);
    await send(page, { type: 'context', label: 'src/text.ts lines 3-5' });
    await send(page, { type: 'question', id: 't1', prompt: 'Is this right?', context: 'with src/text.ts' });
    for (const text of ANSWER) await send(page, { type: 'delta', id: 't1', text });
    await send(page, { type: 'answered', id: 't1', provider: 'groq', model: 'groq/llama-3.3-70b-versatile' });
    await expect.poll(() => page.locator('.footer').textContent()).toContain('groq');
    expect(await a11yViolations(page)).toEqual([]);
    await page.close();
  });
});
