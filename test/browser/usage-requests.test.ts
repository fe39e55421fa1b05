// The Usage and Requests pages in a real browser against a real gateway with a fake provider: empty states that show
// how to send a first request, a chat request made with the openai client appearing in the request log (filtered,
// tailed live, a row opening its run) and in the usage chart (read from its table), and no serious accessibility fault.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeModel, startTestGateway, type TestGateway } from '../e2e/harness.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot, signIn } from '../helpers/browser.js';

const ADMIN_KEY = 'sb-admin-usage-requests-key';

describe('the Usage and Requests pages', () => {
  let browser: Browser;
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let page: Page;

  beforeAll(async () => {
    const [dir, launched, fake] = await Promise.all([builtConsole(), launchBrowser(), startOpenAIUpstream()]);
    browser = launched;
    upstream = fake;
    upstream.setFallback({ type: 'text', text: 'Hello from alpha.', usage: { prompt: 1_200, completion: 300 } });
    // A free model whose paid price is published: what it saved shows on the usage page.
    const providers = [
      {
        id: 'alpha',
        protocol: 'openai',
        baseUrl: upstream.baseUrl,
        apiKeys: ['sk-alpha-browser'],
        models: [fakeModel('alpha-chat', { listPricePer1M: { input: 2, output: 8 } })],
      },
    ];
    gw = await startTestGateway({ providers }, undefined, {
      SWITCHBOARD_UI_DIR: dir,
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, gw.url, ADMIN_KEY);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await upstream?.close();
  });

  /** A chat request through the official client, with the run id chosen so the test can follow it. */
  const chat = (runId: string, model = 'auto') =>
    gw.client.chat.completions.create(
      { model, messages: [{ role: 'user', content: `hello ${runId}` }] },
      { headers: { 'x-switchboard-run-id': runId } },
    );

  it('shows a newcomer how to send a first request on both pages', async () => {
    await page.goto(`${gw.url}/ui/usage`);
    const usageEmpty = page.getByRole('region', { name: 'No traffic in the last 24 hours' });
    await usageEmpty.waitFor();
    expect(await usageEmpty.textContent()).toContain(`${gw.url}/v1/chat/completions`);
    await page.goto(`${gw.url}/ui/requests`);
    const requestsEmpty = page.getByRole('region', { name: 'No requests yet' });
    await requestsEmpty.waitFor();
    expect(await requestsEmpty.textContent()).toContain(`baseURL: '${gw.url}/v1'`);
    expect(await a11yViolations(page)).toEqual([]);
  });

  it('lists a request made with the openai client, filters the log, tails it live and opens a run', async () => {
    await chat('browser-run-1');
    await expect(chat('browser-run-missing', 'nope/nothing')).rejects.toMatchObject({ status: 404 });
    await page.goto(`${gw.url}/ui/requests`);
    const table = page.getByRole('table', { name: 'Requests, newest first' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain('alpha/alpha-chat');
    expect(await rows.nth(0).textContent()).toContain('error 404');
    // Only the failed one, and the filter is in the URL.
    await page.getByLabel('Status').selectOption('error');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).textContent()).toContain('error 404');
    expect(page.url()).toContain('status=error');
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Model').selectOption('alpha/alpha-chat');
    await expect.poll(() => rows.count()).toBe(1);
    // Live: a new request shows up without a reload.
    // Clicked, not check(): the box follows the URL, a moment after the click.
    const live = page.getByLabel('Live (refresh every 5 s)');
    await live.click();
    await expect.poll(() => live.isChecked()).toBe(true);
    await chat('browser-run-2');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await rows.nth(0).getByRole('link').textContent()).toContain('browser-run-2');
    expect(await a11yViolations(page)).toEqual([]);
    await live.click();
    await expect.poll(() => page.url()).not.toContain('live=1');
    await page.getByLabel('Model').selectOption('');
    await expect.poll(() => rows.count()).toBe(3);
    await screenshot(page, 'requests');
    // A row opens its run.
    await rows.filter({ hasText: 'browser-run-1' }).getByRole('cell').nth(2).click();
    await expect.poll(() => page.url()).toMatch(/\/ui\/runs\/browser-run-1$/);
  });

  it('draws the calls in the usage charts, with what they saved against the list price', async () => {
    await page.goto(`${gw.url}/ui/usage?range=1h`);
    const requests = page.getByRole('table', { name: /^Requests per minute by provider/ });
    await requests.waitFor({ state: 'attached' });
    // The chart's numbers: the alpha column holds the two answered calls (the 404 never reached a provider).
    const header = await requests.locator('thead th').allTextContents();
    expect(header).toEqual(['Time', 'alpha']);
    const counts = (await requests.locator('tbody td').allTextContents()).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    // 1,200 prompt and 300 completion tokens at 2 and 8 USD per million, twice, for free.
    const totals = page.getByRole('region', { name: 'Totals of the range' });
    expect(await totals.textContent()).toContain('$0.0096');
    const saved = page.getByRole('table', { name: /^Saved against list prices per minute/ });
    expect(await saved.locator('tbody td').allTextContents()).not.toHaveLength(0);
    await page.getByRole('radio', { name: '7 days' }).click();
    await expect.poll(() => page.url()).toContain('range=7d');
    await page.getByRole('table', { name: /^Requests per hour by provider/ }).waitFor({ state: 'attached' });
    await page.getByLabel('Group by').selectOption('model');
    await page.getByRole('table', { name: /^Requests per hour by model/ }).waitFor({ state: 'attached' });
    expect(await page.getByRole('region', { name: 'By model' }).textContent()).toContain('alpha/alpha-chat');
    expect(await a11yViolations(page)).toEqual([]);
    await page.getByRole('radio', { name: '24 hours' }).click();
    await page.getByRole('table', { name: /^Requests per hour by model/ }).waitFor({ state: 'attached' });
    await expect.poll(() => page.url()).toContain('range=24h');
    await screenshot(page, 'usage');
  });

  it('fits a phone screen: wide tables scroll in their own box, the page never sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(phone, gw.url, ADMIN_KEY);
    // A string: the test's own types have no DOM.
    const overflow = () => phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    await phone.goto(`${gw.url}/ui/usage?range=1h&group_by=model`);
    await phone.getByRole('region', { name: 'By model' }).waitFor();
    await phone.getByRole('table', { name: /^Requests per minute by model/ }).waitFor({ state: 'attached' });
    expect(await overflow()).toBe(0);
    await phone.goto(`${gw.url}/ui/requests`);
    await phone.getByRole('table', { name: 'Requests, newest first' }).waitFor();
    expect(await overflow()).toBe(0);
    await phone.close();
  });
});
