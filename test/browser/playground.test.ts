// The playground in a real browser: a streamed answer arrives piece by piece, the line under it names the provider
// and the attempts, and links to the run; Stop ends an answer that is still coming.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, startTestGateway, type TestGateway } from '../e2e/harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot } from '../helpers/browser.js';

describe('the playground', () => {
  let browser: Browser;
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let page: Page;
  beforeAll(async () => {
    const [dir, launched, fake] = await Promise.all([builtConsole(), launchBrowser(), startOpenAIUpstream()]);
    browser = launched;
    upstream = fake;
    gw = await startTestGateway(
      {
        providers: [
          {
            id: 'alpha',
            protocol: 'openai',
            baseUrl: upstream.baseUrl,
            apiKeys: ['alpha-key'],
            models: [fakeModel('alpha-chat')],
          },
        ],
      },
      undefined,
      { SWITCHBOARD_UI_DIR: dir },
    );
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await upstream?.close();
  });

  it('streams an answer and names who gave it, with a link to its run', async () => {
    upstream.queue({
      type: 'text',
      text: 'Paris is the capital of France.',
      chunks: ['Paris ', 'is the ', 'capital ', 'of France.'],
      chunkDelayMs: 150,
    });
    await page.goto(`${gw.url}/ui/playground`);
    await page.getByLabel('Model').selectOption('alpha/alpha-chat');
    await page.getByLabel('Message').fill('What is the capital of France?');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.turn-assistant .turn-text');
    // Part of the answer shows before the whole of it: it streams.
    await expect.poll(() => answer.textContent(), { timeout: 10_000 }).toMatch(/^Paris (is the )?(capital )?$/);
    await expect.poll(() => answer.textContent(), { timeout: 10_000 }).toBe('Paris is the capital of France.');
    const line = page.getByTestId('answer-line');
    await expect.poll(() => line.textContent()).toMatch(/^alpha · alpha\/alpha-chat · 1 attempt · first token/);
    const href = await line.getByRole('link', { name: 'open the run' }).getAttribute('href');
    expect(href).toMatch(/^\/ui\/runs\/.+/);
    const sent = upstream.requests.at(-1)?.body as { messages: { content: string }[]; stream: boolean };
    expect(sent.stream).toBe(true);
    expect(sent.messages.at(-1)?.content).toBe('What is the capital of France?');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'playground');
  });

  it('Stop ends an answer still coming, keeps what arrived, and the next question goes with the history', async () => {
    upstream.queue({ type: 'text', text: 'one two three four five six', chunkDelayMs: 400 });
    await page.getByLabel('Message').fill('Count slowly');
    await page.getByRole('button', { name: 'Send' }).click();
    const last = page.locator('.turn-assistant .turn-text').last();
    await expect.poll(() => last.textContent(), { timeout: 10_000 }).toMatch(/^one/);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true); // empty draft
    const kept = await last.textContent();
    expect(kept).not.toBe('one two three four five six');
    upstream.queue({ type: 'text', text: 'ok' });
    await page.getByLabel('Message').fill('Thanks');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('.turn-assistant .turn-text').last().textContent()).toBe('ok');
    const sent = upstream.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(sent.messages[3]?.content).toBe(kept);
  });
});
