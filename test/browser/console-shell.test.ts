// The console's frame in a real browser against a real gateway: sign-in with the admin key and with a client key
// (a reduced view), the banner when auth is off, the key kept out of the URL, and no serious accessibility fault.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot } from '../helpers/browser.js';

const ADMIN_KEY = 'sb-admin-console-test-key';

describe('the console frame', () => {
  let browser: Browser;
  let gw: TestGateway;
  let page: Page;
  beforeAll(async () => {
    const [dir, launched] = await Promise.all([builtConsole(), launchBrowser()]);
    browser = launched;
    gw = await startTestGateway({}, undefined, { SWITCHBOARD_UI_DIR: dir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY });
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('opens at / with auth off: the banner says so, and the navigation is there', async () => {
    await page.goto(`${gw.url}/`);
    await expect.poll(() => page.url()).toMatch(/\/ui\/overview$/);
    await page.getByRole('status').filter({ hasText: 'Auth is off' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining(['Usage', 'Requests', 'Runs', 'Playground', 'Models', 'Routing']),
    );
    // Anonymous is not the admin: the operator's pages are not in the menu.
    expect(await nav.getByRole('link', { name: 'Keys' }).count()).toBe(0);
  });

  it('signs in with the admin key, which stays out of the URL and in session storage only', async () => {
    await page.goto(`${gw.url}/ui/sign-in`);
    await page.getByLabel('Admin key or client key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Admin key or client key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.url()).toMatch(/\/ui\/overview$/);
    await page.getByRole('navigation').getByRole('link', { name: 'Keys' }).waitFor();
    expect(page.url()).not.toContain(ADMIN_KEY);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate("sessionStorage.getItem('switchboard.key')")).toBe(ADMIN_KEY);
    expect(await a11yViolations(page)).toEqual([]);
  });

  it('a client key gets the reduced view, and a new tab starts signed out', async () => {
    const created = await fetch(`${gw.url}/admin/client-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'laptop' }),
    });
    const { key } = (await created.json()) as { key: string };
    const context = await browser.newContext();
    const tab = await context.newPage();
    // A client key now exists, so auth is on: the console asks to sign in first.
    await tab.goto(`${gw.url}/ui/usage`);
    await expect.poll(() => tab.url()).toMatch(/\/ui\/sign-in$/);
    expect(await a11yViolations(tab)).toEqual([]);
    await screenshot(tab, 'sign-in');
    await tab.getByLabel('Admin key or client key').fill(key);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => tab.url()).toMatch(/\/ui\/usage$/);
    const nav = tab.getByRole('navigation', { name: 'Console' });
    await nav.getByText('Client key laptop').waitFor();
    expect(await nav.getByRole('link', { name: 'Keys' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Overview' }).count()).toBe(0);
    expect(await tab.getByText('Auth is off').count()).toBe(0);
    await context.close();
  });
});
