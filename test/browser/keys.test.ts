// The Keys page in a real browser against a real gateway with a fake provider and a key vault: the empty states,
// adding a provider key (checked with the provider, then only ever masked), a client key created and shown once,
// its usage, revoke and remove after a confirm, and no serious accessibility fault.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, clientWith, tempDataDir } from '../e2e/accounts-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from '../e2e/harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot } from '../helpers/browser.js';

const ADMIN_KEY = 'sb-admin-keys-page-test-key';
const PROVIDER_KEY = 'sk-alpha-console-key-000000c0de';
const dataDir = tempDataDir('keys-page');

describe('the Keys page', () => {
  let browser: Browser;
  let alpha: FakeUpstream;
  let gw: TestGateway;
  let page: Page;
  beforeAll(async () => {
    const [dir, launched, upstream] = await Promise.all([builtConsole(), launchBrowser(), startOpenAIUpstream()]);
    browser = launched;
    alpha = upstream;
    // alpha has no key: off until one is added from the console.
    const providers = [
      {
        id: 'alpha',
        name: 'Alpha Cloud',
        protocol: 'openai',
        baseUrl: alpha.baseUrl,
        signupUrl: 'https://alpha.example/keys',
        notes: 'Free plan for tests.',
        models: [fakeModel('alpha-chat')],
      },
    ];
    gw = await startTestGateway({ providers }, undefined, {
      SWITCHBOARD_UI_DIR: dir,
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHBOARD_MASTER_KEY: 'master-key-keys-page-test',
      SWITCHBOARD_DATA_DIR: dataDir,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await alpha?.close();
  });

  it('after signing in as admin, says where to get a free key and that auth is off', async () => {
    await page.goto(`${gw.url}/ui/sign-in`);
    await page.getByLabel('Admin key or client key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Keys' }).click();
    await expect.poll(() => page.url()).toMatch(/\/ui\/keys$/);
    const none = page.getByRole('region', { name: 'No provider keys yet' });
    expect(await none.getByRole('link', { name: 'Alpha Cloud' }).getAttribute('href')).toBe(
      'https://alpha.example/keys',
    );
    // The catalog's free providers are offered too.
    expect(await none.getByRole('link', { name: 'Groq' }).getAttribute('href')).toBe('https://console.groq.com/keys');
    await page.getByRole('region', { name: 'No client keys yet' }).getByText('Auth is off until one exists').waitFor();
    await page.getByRole('region', { name: 'Key vault' }).getByText('ready').waitFor();
    expect(await a11yViolations(page)).toEqual([]);
  });

  it('adds a provider key, checked with the provider, and shows it only masked', async () => {
    await page.getByLabel('Provider', { exact: true }).selectOption('alpha');
    await page.getByRole('link', { name: 'https://alpha.example/keys' }).waitFor();
    await page.getByLabel('API key', { exact: true }).fill(PROVIDER_KEY);
    await page.getByRole('button', { name: 'Add and check' }).click();
    await page.getByText('Added sk-a…c0de to alpha. The provider accepted it.').waitFor();
    expect(alpha.requests.map((r) => [r.method, r.path, r.headers['authorization']])).toEqual([
      ['GET', '/v1/models', `Bearer ${PROVIDER_KEY}`],
    ]);
    expect(await page.getByLabel('API key', { exact: true }).inputValue()).toBe('');
    const group = page.getByRole('region', { name: 'Alpha Cloud (alpha)' });
    const row = group.getByRole('row').filter({ hasText: 'sk-a…c0de' });
    await row.getByText('usable').waitFor();
    await row.getByText('vault').waitFor();
    await page.getByRole('region', { name: 'Key vault' }).getByText('1 key stored').waitFor();
    await row.getByRole('button', { name: 'Validate sk-a…c0de' }).click();
    await row.getByRole('status').filter({ hasText: 'Valid: the provider accepted it.' }).waitFor();
    expect(alpha.requests).toHaveLength(2);
    expect(await page.content()).not.toContain(PROVIDER_KEY);
  });

  it('creates a client key shown once, with its usage, and revokes it after a confirm', async () => {
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByLabel('Only the models chosen below').check();
    await page.getByLabel('alpha/alpha-chat', { exact: true }).check();
    await page.getByLabel('Requests per minute').fill('30');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('you will not see it again.').waitFor();
    const key = await page.getByLabel('The new key').inputValue();
    expect(key).toMatch(/^sk-sb-/);
    // The key works, for the chosen model only; the gateway now wants a key from every caller.
    const client = clientWith(gw.url, key);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['auto', 'alpha/alpha-chat']);
    await client.chat.completions.create({ model: 'alpha/alpha-chat', messages: [{ role: 'user', content: 'hi' }] });
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.content()).not.toContain(key);
    await expect.poll(() => page.getByText('Auth is off:').count()).toBe(0);

    // The row, with the call just made (read afresh on reload: usage refreshes every 30 s).
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'ci' }).filter({ hasText: 'alpha/alpha-chat' });
    await row.getByText('30 per minute').waitFor();
    await row.getByText('1 call').first().waitFor();
    expect(await page.content()).not.toContain(key);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'keys');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByRole('region', { name: 'No client keys yet' }).waitFor();
    expect((await call(gw.url, 'GET', '/admin/client-keys', ADMIN_KEY)).body.data).toEqual([]);
  });

  it('removes the provider key after a confirm, and the provider is off again', async () => {
    const row = page.getByRole('row').filter({ hasText: 'sk-a…c0de' });
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByRole('region', { name: 'No provider keys yet' }).waitFor();
    expect((await call(gw.url, 'GET', '/v1/models', ADMIN_KEY)).body.data.map((m: { id: string }) => m.id)).toEqual([
      'auto',
    ]);
  });
});
