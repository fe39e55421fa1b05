// Browser tests of the console: the console built once per source state, Debian's Chromium driven by playwright-core
// (no browser download: it cannot work here), axe-core's accessibility check, and the screenshots kept in docs/ui.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '../..');
const UI = path.join(ROOT, 'ui');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'switchboard-console');

/** Every file the console is built from, hashed: a changed source gets a fresh build, an unchanged one reuses it. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (!/\.test\.tsx?$/.test(name)) hash.update(path.relative(UI, file)).update(readFileSync(file));
    }
  };
  walk(UI);
  hash.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The console built from the current sources (vite's own build, as `npm run build` does) in a cache directory;
 * built at most once per source state, whichever test file asks first. Give the gateway SWITCHBOARD_UI_DIR=this.
 */
export async function builtConsole(): Promise<string> {
  const dir = path.join(CACHE, sourceHash());
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  const { build } = await import('vite');
  const staging = `${dir}.${process.pid}`;
  await build({ configFile: path.join(UI, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging } });
  mkdirSync(CACHE, { recursive: true });
  try {
    renameSync(staging, dir);
  } catch {
    // Another test file built the same sources at the same time: use its build.
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Chromium from Debian (CHROMIUM_PATH to use another), headless, with nothing that would call out to the network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A violation of WCAG 2 A/AA found by axe-core, with the elements it names. */
export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2 A and AA rules on the page as it is now; the serious and critical violations. */
export async function a11yViolations(page: Page): Promise<A11yViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  // A string, run in the page: this file is compiled for Node, where `document` and `axe` do not exist.
  const found = await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })");
  const { violations } = found as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
}

/**
 * Keeps a screenshot of the page as docs/ui/NAME.png when WRITE_SCREENSHOTS=1 (the README shows them); otherwise
 * takes it anyway, so a page that cannot render fails the same way in every run.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const keep = process.env['WRITE_SCREENSHOTS'] === '1';
  await page.screenshot({
    fullPage: true,
    ...(keep ? { path: path.join(ROOT, 'docs', 'ui', `${name}.png`) } : {}),
  });
}

/** Signs `page` in to the console at `baseUrl` with `key` and waits for the Overview it lands on. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/ui/sign-in`);
  await page.getByLabel('Admin key or client key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/ui\/overview$/);
}
