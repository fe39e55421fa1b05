// The Settings page in a real browser against a gateway run from a config file: each value says where it comes from;
// a bad edit of the file shows as refused with the field it names while the running value stays; the fix applies.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import type { TestGateway } from '../e2e/harness.js';
import { ADMIN_KEY, startFileGateway, testConfig, twoProviders, writeYaml } from '../e2e/settings-harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot, signIn } from '../helpers/browser.js';

describe('the Settings page', () => {
  let browser: Browser;
  let fakes: FakeUpstream[];
  let gw: TestGateway;
  let page: Page;
  let file: string;
  const config = (routing: Record<string, unknown>) =>
    testConfig({ providers: twoProviders(fakes[0]!, fakes[1]!), routing });
  beforeAll(async () => {
    const [dir, launched, alpha, beta] = await Promise.all([
      builtConsole(),
      launchBrowser(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
    ]);
    browser = launched;
    fakes = [alpha, beta];
    file = writeYaml(config({ defaultMode: 'balanced', maxAttempts: 2 }));
    gw = await startFileGateway(file, { SWITCHBOARD_STORE: 'memory', SWITCHBOARD_UI_DIR: dir });
    page = await browser.newPage();
    await signIn(page, gw.url, ADMIN_KEY);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all((fakes ?? []).map((f) => f.close()));
  });

  it('says where each value comes from, and shows a refused edit of the file with its reason', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const row = (path: string) => page.locator(`tr[data-setting="${path}"]`);
    await expect.poll(() => row('routing.maxAttempts').textContent()).toContain('from config file');
    const value = (path: string) => row(path).locator('td').first().textContent();
    expect(await value('routing.maxAttempts')).toBe('2');
    expect(await row('server.bodyLimit').textContent()).toContain('from default');
    expect(await page.getByRole('region', { name: 'Config file' }).textContent()).toContain(file);

    // A rule naming a task that does not exist: refused, and the page says which field.
    writeYaml(config({ maxAttempts: 3, rules: [{ name: 'x', when: { task: ['poetry'] } }] }), file);
    await page.reload();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toMatch(/routing\.rules\[0\]\.when\.task\[0\]/);
    expect(await alert.textContent()).toContain('running config is kept');
    expect(await value('routing.maxAttempts')).toBe('2');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'settings');

    writeYaml(config({ maxAttempts: 3 }), file);
    await page.reload();
    const status = page.getByRole('status').filter({ hasText: 'Last read' });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('applied routing.maxAttempts');
    expect(await value('routing.maxAttempts')).toBe('3');
  }, 60_000);
});
