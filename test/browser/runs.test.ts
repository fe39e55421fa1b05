// The run view in a real browser: a streamed run followed live over /v1/ws, its nodes lighting up and its tokens
// arriving while it runs, a fallback drawn as an edge back; and an agent thread's question answered from its page.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { agentApi, agentProviders, tempRoot, toolCall } from '../e2e/agent-harness.js';
import { fakeModel, startTestGateway, type TestGateway } from '../e2e/harness.js';
import { a11yViolations, builtConsole, launchBrowser, screenshot } from '../helpers/browser.js';

describe('runs, live', () => {
  let browser: Browser;
  let alpha: FakeUpstream;
  let beta: FakeUpstream;
  let gw: TestGateway;
  let page: Page;
  beforeAll(async () => {
    const [dir, launched, a, b, root] = await Promise.all([
      builtConsole(),
      launchBrowser(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
      tempRoot('console'),
    ]);
    browser = launched;
    alpha = a;
    beta = b;
    gw = await startTestGateway(
      {
        providers: [
          ...agentProviders(alpha),
          {
            id: 'beta',
            protocol: 'openai',
            baseUrl: beta.baseUrl,
            apiKeys: ['beta-key'],
            models: [fakeModel('beta-chat', { quality: 0.5 })],
          },
        ],
        agents: { workspaceRoots: [root] },
        // Both tests count on the prior order (alpha, then beta): the first makes alpha fail once, and a learning
        // bandit or balanced's steering could then send the agent's call to beta, which has no question queued.
        routing: { bandit: { enabled: false }, complexity: { span: 0 } },
      },
      undefined,
      { SWITCHBOARD_UI_DIR: dir },
    );
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await alpha?.close();
    await beta?.close();
  });

  it('follows a streamed run node by node: the call lights up before the answer ends, then the run finishes', async () => {
    // alpha fails first (a 500), so the run falls back to beta, whose answer streams slowly.
    alpha.queue({ type: 'error', status: 500, message: 'boom' });
    beta.queue({ type: 'text', text: 'one two three four five', chunkDelayMs: 300 });
    await page.goto(`${gw.url}/ui/runs/console-run-1`);
    const graph = page.getByRole('img', { name: /run/i });
    await expect.poll(() => graph.getAttribute('aria-label')).toBe('The run has not started yet');
    const answer = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-run-id': 'console-run-1' },
      body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'count to five' }] }),
    }).then((res) => res.text());
    // While the answer streams: the call node is running and part of the text is there.
    await expect.poll(() => graph.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/call running/);
    await expect.poll(() => page.getByTestId('run-text').textContent(), { timeout: 10_000 }).toMatch(/^one/);
    expect(await page.getByTestId('run-text').textContent()).not.toBe('one two three four five');
    await answer;
    await expect.poll(() => graph.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/respond done/);
    expect(await page.getByTestId('run-text').textContent()).toBe('one two three four five');
    // The failed first call is listed, and the edge back to route was taken.
    await page.getByRole('region', { name: 'Failed attempts' }).getByText('alpha/alpha-chat').waitFor();
    expect(await page.locator('.react-flow__edge.run-edge-taken').count()).toBeGreaterThan(3);
    expect(await page.getByText('finished').count()).toBeGreaterThan(0);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'run');
  });

  it("answers an agent's question from the thread page, and the agent goes on", async () => {
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which name should the function have?' })],
    });
    const api = agentApi(gw.url);
    const { body } = await api.invoke({ instruction: 'Write a greeting function', thread_id: 'console-thread-1' });
    expect(body.agent_status).toBe('requires_human_input');
    await page.goto(`${gw.url}/ui/threads/console-thread-1`);
    await page.getByText('Which name should the function have?').waitFor();
    alpha.queue({ type: 'text', text: 'Done: greet() is written.' });
    await page.getByLabel('Your answer').fill('greet');
    await page.getByRole('button', { name: 'Answer' }).click();
    await expect
      .poll(async () => (await api.thread('console-thread-1')).body['status'], { timeout: 10_000 })
      .toBe('completed');
    // What the model got back for its question is the answer typed in the page.
    const last = alpha.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(last.messages.find((m) => m.role === 'tool')?.content).toContain('greet');
    await expect
      .poll(() => page.getByRole('img', { name: /run/i }).getAttribute('aria-label'), { timeout: 10_000 })
      .toMatch(/respond done/);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'thread');
  });
});
