// The Models and Routing pages in a real browser against a real gateway with two fake providers: the admin switches a
// model off and on (and /v1/models follows), explains a prompt, changes the default mode (its source becomes the
// console) and sees the gateway's refusal of a bad rule.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { modelIds } from '../e2e/accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from '../e2e/harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot, signIn } from '../helpers/browser.js';

const ADMIN_KEY = 'sb-admin-models-routing';

describe('the Models and Routing pages', () => {
  let browser: Browser;
  let fakes: FakeUpstream[];
  let gw: TestGateway;
  let page: Page;
  beforeAll(async () => {
    const [dir, launched, alpha, beta] = await Promise.all([
      builtConsole(),
      launchBrowser(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
    ]);
    browser = launched;
    fakes = [alpha, beta];
    gw = await startTestGateway(
      {
        providers: [
          {
            id: 'alpha',
            name: 'Alpha',
            protocol: 'openai',
            baseUrl: alpha.baseUrl,
            apiKeys: ['alpha-key'],
            limits: { rpm: 30, rpd: 1000 },
            models: [fakeModel('alpha-chat', { quality: 0.9 })],
          },
          {
            id: 'beta',
            name: 'Beta',
            protocol: 'openai',
            baseUrl: beta.baseUrl,
            apiKeys: ['beta-key'],
            models: [fakeModel('beta-chat', { quality: 0.6, capabilities: ['chat', 'vision'] })],
          },
        ],
        // The bandit (on by default) draws each quality: seeded, the explained order is the same on every run.
        routing: { bandit: { seed: 5 } },
      },
      undefined,
      { SWITCHBOARD_UI_DIR: dir, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY },
    );
    page = await browser.newPage();
    await signIn(page, gw.url, ADMIN_KEY);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all((fakes ?? []).map((f) => f.close()));
  });

  it('switches a model off and on: /v1/models follows, and the page says where the value comes from', async () => {
    await page.goto(`${gw.url}/ui/models`);
    const row = page.locator('tr[data-model="alpha/alpha-chat"]');
    await expect.poll(() => row.textContent()).toContain('serving');
    expect(await page.getByRole('region', { name: 'Alpha' }).textContent()).toContain('30 req/min · 1K req/day');
    expect(await a11yViolations(page)).toEqual([]);

    const toggle = page.getByRole('checkbox', { name: /Enable alpha\/alpha-chat/ });
    await toggle.click();
    await expect.poll(() => row.textContent()).toContain('switched off at run time');
    // The catalog and the switches are read again separately: either may arrive first.
    await expect.poll(() => row.textContent()).toContain('set in the console');
    expect(await modelIds(gw.url, ADMIN_KEY)).toEqual(['auto', 'beta/beta-chat']);

    await page.getByRole('button', { name: /Reset Enable alpha\/alpha-chat/ }).click();
    await expect.poll(() => row.textContent()).toContain('serving');
    await expect.poll(() => row.textContent()).toContain('catalog default');
    expect(await modelIds(gw.url, ADMIN_KEY)).toEqual(['auto', 'alpha/alpha-chat', 'beta/beta-chat']);

    // The filters narrow the list and stay in the URL.
    await page.getByLabel('Capability').selectOption('vision');
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.locator('tr[data-model="beta/beta-chat"]').count()).toBe(1);
    expect(page.url()).toContain('capability=vision');
  }, 60_000);

  it('explains a prompt with ranked candidates, without calling a model', async () => {
    await page.goto(`${gw.url}/ui/routing`);
    await page.getByLabel('Prompt', { exact: true }).fill('Write a Python function that reverses a list');
    await page.getByLabel('Mode for this prompt').selectOption('best_quality');
    await page.getByRole('button', { name: 'Explain' }).click();
    const table = page.getByRole('table', { name: 'Ranked candidates' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    const first = await table.locator('tbody tr').first().textContent();
    expect(first).toMatch(/^1alpha\/alpha-chat/);
    const facts = await page.getByLabel('Classification').textContent();
    expect(facts).toContain('Modebest_quality');
    expect(facts).toMatch(/Classified bylearned classifierConfidence[01]\.\d\d \((below|at or above) 0\.50\)/);
    // The bandit's part: no answers yet, so each quality is drawn around the catalog's prior.
    expect(await page.getByText(/Learning from traffic: each quality is drawn/).count()).toBe(1);
    const evidence = await table.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(evidence).toEqual(['no answers yet, mean 0.90', 'no answers yet, mean 0.60']);
    const draws = await table.locator('tbody tr td:nth-child(5)').allTextContents();
    expect(draws.every((draw) => /^0\.\d\d/.test(draw))).toBe(true);
    expect(fakes.every((f) => f.requests.length === 0)).toBe(true);
  });

  it('changes the default mode (its source becomes the console) and shows the reason a bad rule is refused', async () => {
    await page.goto(`${gw.url}/ui/routing`);
    const source = page.getByTestId('source-routing.defaultMode');
    await expect.poll(() => source.textContent()).toBe('from default');
    await page.getByLabel('Default routing mode').selectOption('fastest');
    await page.getByRole('button', { name: 'Save mode' }).click();
    await expect.poll(() => source.textContent()).toBe('from console');

    const rules = page.getByRole('textbox', { name: /^Rules \(/ });
    await rules.fill('- name: bad\n  when: { task: [cooking] }\n');
    await page.getByRole('button', { name: 'Save rules' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/routing\.rules\[0\]\.when\.task\[0\]/);
    expect(await alert.locator('code').textContent()).toBe('routing.rules[0].when.task[0]');
    // The explain answer in the picture too (and in the accessibility check).
    await page.getByLabel('Prompt', { exact: true }).fill('Summarize this paragraph in one sentence.');
    // Balanced, not the default now set to fastest: the picture shows the bandit's draws.
    await page.getByLabel('Mode for this prompt').selectOption('balanced');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('table', { name: 'Ranked candidates' }).waitFor();
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'routing');
  });
});
