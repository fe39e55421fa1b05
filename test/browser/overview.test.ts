// The Overview page in a real browser against a real gateway with two fake providers with published free-tier limits:
// the providers table, the cockpit's headroom going down after a request made with the openai client, a provider
// whose day is spent listed at the top, a limit learned from a provider's rate-limit headers shown beside the published
// one, and no serious accessibility fault.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeModel, startTestGateway, type TestGateway } from '../e2e/harness.js';
import { withResponseHeaders } from '../e2e/keys-harness.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot, signIn } from '../helpers/browser.js';

const ADMIN_KEY = 'sb-admin-overview-page-key';

describe('the Overview page', () => {
  let browser: Browser;
  let alpha: FakeUpstream;
  let beta: FakeUpstream;
  let gamma: FakeUpstream;
  let proxy: { baseUrl: string; close(): Promise<void> };
  let gw: TestGateway;
  let page: Page;

  beforeAll(async () => {
    const [dir, launched, a, b, c] = await Promise.all([
      builtConsole(),
      launchBrowser(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
    ]);
    browser = launched;
    alpha = a;
    beta = b;
    gamma = c;
    // gamma's answers say its key has 50 requests a day, fewer than the 1,000 published.
    proxy = await withResponseHeaders(gamma, () => ({ 'x-ratelimit-limit-requests-day': '50' }));
    for (const upstream of [alpha, beta, gamma])
      upstream.setFallback({ type: 'text', text: 'Hello.', usage: { prompt: 100, completion: 20 } });
    // alpha: two keys with published limits (summed: 40 requests a day); beta: one request a day, soon spent.
    const providers = [
      {
        id: 'alpha',
        name: 'Alpha Cloud',
        protocol: 'openai',
        baseUrl: alpha.baseUrl,
        apiKeys: ['sk-alpha-one-00001111', 'sk-alpha-two-00002222'],
        limits: { rpm: 10, rpd: 20, tpm: 100_000, tpd: 1_000_000 },
        models: [fakeModel('alpha-chat')],
      },
      {
        id: 'beta',
        name: 'Beta AI',
        protocol: 'openai',
        baseUrl: beta.baseUrl,
        apiKeys: ['sk-beta-one-00003333'],
        limits: { rpd: 1 },
        models: [fakeModel('beta-chat')],
      },
      {
        id: 'gamma',
        name: 'Gamma Labs',
        protocol: 'openai',
        baseUrl: proxy.baseUrl,
        apiKeys: ['sk-gamma-one-00004444'],
        limits: { rpd: 1_000 },
        models: [fakeModel('gamma-chat')],
      },
    ];
    gw = await startTestGateway({ providers }, undefined, {
      SWITCHBOARD_UI_DIR: dir,
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, gw.url, ADMIN_KEY);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await alpha?.close();
    await beta?.close();
    await proxy?.close();
    await gamma?.close();
  });

  const chat = (model: string) =>
    gw.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  const todayLeft = (provider: string) =>
    page
      .getByRole('region', { name: `Free tier of ${provider}` })
      .getByRole('meter', { name: `Requests today, ${provider}` })
      .getAttribute('value');

  it('shows the providers with their keys and their free tier, whole', async () => {
    const table = page.getByRole('region', { name: 'Providers' }).getByRole('table');
    const row = table.getByRole('row').filter({ hasText: 'Alpha Cloud' });
    await row.getByText('enabled').waitFor();
    await row.getByText('closed').waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe('2');
    expect(await todayLeft('Alpha Cloud')).toBe('40');
    expect(await page.getByRole('region', { name: 'Nearly spent' }).count()).toBe(0);
    expect(await a11yViolations(page)).toEqual([]);
  });

  it('counts down after requests made with the openai client and lists a spent provider at the top', async () => {
    await chat('alpha/alpha-chat');
    await chat('beta/beta-chat');
    await chat('gamma/gamma-chat');
    // The page refreshes itself (every 5 s): no reload. A day's window resets a day (plus a bucket) after the call.
    await expect.poll(() => todayLeft('Alpha Cloud'), { timeout: 15_000 }).toBe('39');
    const spent = page.getByRole('region', { name: 'Nearly spent' });
    await spent.getByRole('link', { name: 'Beta AI' }).waitFor({ timeout: 15_000 });
    expect(await todayLeft('Beta AI')).toBe('0');
    const alphaTier = page.getByRole('region', { name: 'Free tier of Alpha Cloud' });
    await alphaTier.getByText('39 of 40 left').waitFor();
    expect(await alphaTier.getByRole('row', { name: /Requests today/ }).textContent()).toMatch(
      /resets (in \d+ (hours?|days?)|tomorrow)$/,
    );
    // The live figures count both requests.
    const stats = page.getByRole('region', { name: 'Last 5 minutes' });
    expect(await stats.getByText('0%').count()).toBe(1);
    // The limit gamma's headers gave, beside the published one, with where it comes from; counted against.
    const learned = page.getByRole('table', { name: 'Learned limits, Gamma Labs' });
    await expect.poll(() => learned.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    const learnedRow = (await learned.locator('tbody tr').textContent()) ?? '';
    expect(learnedRow).toMatch(/^Requests per day1K50learned from requests per day in the rate-limit headers, /);
    await expect.poll(() => todayLeft('Gamma Labs')).toBe('49');
    await alphaTier.getByText('Per key (2)').click();
    expect(await alphaTier.getByRole('meter', { name: /^Requests today, sk-a/ }).count()).toBe(2);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'overview');
  });
});
