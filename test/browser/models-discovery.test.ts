// The Models page's discovery marks and catalog upkeep in a real browser, against a gateway with discovery on and a
// fake OpenAI-compatible provider whose /models listing the test changes: a model that appears is marked discovered
// after "Sync now", one with a shutdown date in its listing says so, one removed from the listing is retired; a
// community list served from a local HTTP server becomes proposals accepted and dismissed from the page.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/catalog/proposals.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { call, modelIds } from '../e2e/accounts-harness.js';
import { startTestGateway, type TestGateway } from '../e2e/harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot, signIn } from '../helpers/browser.js';

const ADMIN_KEY = 'sb-admin-models-discovery';
const README = readFileSync(new URL('../fixtures/community/free-llm-list.md', import.meta.url), 'utf8');

describe('the Models page: discovery and community-list proposals', () => {
  let browser: Browser;
  let fake: FakeUpstream;
  let list: Server;
  let gw: TestGateway;
  let page: Page;
  const row = (id: string) => page.locator(`tr[data-model="local/${id}"]`);
  const proposals = async () =>
    (await call(gw.url, 'GET', '/admin/catalog/proposals', ADMIN_KEY)).body.data as Proposal[];
  beforeAll(async () => {
    list = createServer((req, res) => {
      if (req.url === '/README.md') res.writeHead(200, { 'content-type': 'text/markdown' }).end(README);
      else res.writeHead(404).end('not here');
    });
    const [dir, launched, upstream] = await Promise.all([
      builtConsole(),
      launchBrowser(),
      startOpenAIUpstream(),
      new Promise<void>((resolve) => list.listen(0, '127.0.0.1', resolve)),
    ]);
    browser = launched;
    fake = upstream;
    fake.models = ['llama-3.1-8b-instruct', 'gemma-2-9b-it'];
    fake.modelDetails = { 'gemma-2-9b-it': { expiration_date: '2099-06-30' } };
    const listUrl = `http://127.0.0.1:${(list.address() as AddressInfo).port}/README.md`;
    gw = await startTestGateway(
      {
        providers: [{ id: 'local', protocol: 'openai', baseUrl: fake.baseUrl, keyless: true, models: 'discover' }],
        // On, as in production: the first listing and the lists are read in the background at start.
        discovery: { enabled: true, sources: [listUrl] },
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
    await fake?.close();
    await new Promise<void>((resolve) => (list ? list.close(() => resolve()) : resolve()));
  });

  it('marks a model the listing adds as discovered after Sync now, and retires it once the listing drops it', async () => {
    await page.goto(`${gw.url}/ui/models`);
    // The start's own listing, in the background.
    await expect.poll(() => row('llama-3.1-8b-instruct').textContent(), { timeout: 15_000 }).toContain('discovered');
    expect(await row('gemma-2-9b-it').textContent()).toContain('shuts down 2099-06-30');

    fake.models = [...fake.models, 'qwen2.5-coder-7b'];
    const changes = page.getByRole('region', { name: 'Catalog changes' });
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => changes.getByRole('status').textContent()).toContain('1 change.');
    await expect.poll(() => row('qwen2.5-coder-7b').textContent()).toContain('discovered');
    expect(await row('qwen2.5-coder-7b').textContent()).toContain('serving');
    expect(await changes.locator('tr[data-change="appeared local/qwen2.5-coder-7b"]').count()).toBe(1);
    expect(await modelIds(gw.url, ADMIN_KEY)).toContain('local/qwen2.5-coder-7b');

    fake.models = ['llama-3.1-8b-instruct', 'gemma-2-9b-it'];
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => row('qwen2.5-coder-7b').textContent()).toMatch(/retired \d{4}-\d{2}-\d{2}/);
    expect(await row('qwen2.5-coder-7b').textContent()).toContain('no longer lists it');
    await expect.poll(() => changes.locator('tr[data-change="retired local/qwen2.5-coder-7b"]').count()).toBe(1);
    expect(await modelIds(gw.url, ADMIN_KEY)).not.toContain('local/qwen2.5-coder-7b');

    // The picture with every mark, the changes and the pending proposals (read at start in the background).
    await expect.poll(async () => (await proposals()).length, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.reload();
    await page.getByRole('article', { name: 'New provider Wombat Cloud' }).waitFor();
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'models');
  }, 60_000);

  it('accepts one community-list proposal and dismisses another, each showing the gateway answer', async () => {
    await page.goto(`${gw.url}/ui/models#proposals`);
    const wombat = page.getByRole('article', { name: 'New provider Wombat Cloud' });
    await wombat.waitFor();
    expect(await wombat.textContent()).toContain('WOMBAT_CLOUD_API_KEY');
    expect(await wombat.getByRole('link', { name: 'https://wombat.example/signup' }).count()).toBe(1);
    await wombat.getByRole('button', { name: 'Accept: New provider Wombat Cloud' }).click();
    await expect.poll(() => wombat.getByRole('status').textContent()).toContain('Accepted.');

    const quokka = page.getByRole('article', { name: 'New provider Quokka Inference' });
    await quokka.getByRole('button', { name: 'Dismiss: New provider Quokka Inference' }).click();
    await expect.poll(() => quokka.getByRole('status').textContent()).toContain('Dismissed');

    const byName = async (id: string) =>
      (await proposals()).find((p) => p.change.kind === 'new_provider' && p.change.entry.id === id)?.status;
    expect(await byName('wombat-cloud')).toBe('accepted');
    expect(await byName('quokka-inference')).toBe('dismissed');
    expect(await byName('platypus-ai')).toBe('pending');

    // Read again, the decided ones fold away.
    await page.reload();
    await expect.poll(() => page.getByText('2 decided earlier').count()).toBe(1);
    expect(await a11yViolations(page)).toEqual([]);
  });
});
