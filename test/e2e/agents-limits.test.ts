// End to end: an agent run's time limit and token budget over HTTP, against a scripted fake OpenAI upstream.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { type agentApi, sentMessages, toolCall as call, useAgentGateway } from './agent-harness.js';
import { eventually, type TestGateway } from './harness.js';

let alpha: FakeUpstream;
let gw: TestGateway;
let root: string;
let project: string;
let api: ReturnType<typeof agentApi>;

/** The configured limits: a request may lower them, never raise them. */
const MAX_RUN_MS = 2_000;
const MAX_TOKENS_PER_RUN = 1_000;

const fixture = useAgentGateway('limits', {
  // An upstream slower than the run's time limit must meet the limit, not the gateway's own timeouts.
  timeouts: { connectMs: 2_000, firstByteMs: 10_000, idleMs: 10_000 },
  agents: { maxRunMs: MAX_RUN_MS, maxTokensPerRun: MAX_TOKENS_PER_RUN },
  fallback: { type: 'text', text: 'fallback answer', usage: { prompt: 1, completion: 1 } },
});
beforeEach(() => void ({ alpha, gw, root, project, api } = fixture));

const listing = (id: string, prompt: number, completion: number) => ({
  type: 'text' as const,
  text: '',
  toolCalls: [call(id, 'list_files', {})],
  usage: { prompt, completion },
});

describe('the time limit', () => {
  it('aborts the slow model call at max_run_ms, ends with time_limit, and the next invoke continues the thread', async () => {
    alpha.queue({ type: 'text', text: 'too late', delayMs: 5_000 }, { type: 'text', text: 'in time' });
    const started = Date.now();
    const { status, body } = await api.invoke({ instruction: 'be quick', max_run_ms: 500 });
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(body.agent_status).toBe('error');
    expect(body.error_details?.code).toBe('time_limit');
    expect(body.error_details?.message).toMatch(/time limit \(500 ms; \d+ ms used\)/);
    expect(body.request_params).toMatchObject({ max_run_ms: 500 });
    expect(await eventually(() => alpha.requests[0]?.aborted === true)).toBe(true);
    expect((await api.thread(body.thread_id)).body['status']).toBe('failed');

    const again = await api.invoke({ instruction: 'try again', thread_id: body.thread_id });
    expect(again.body).toMatchObject({ agent_status: 'completed', explanation: 'in time', error_details: null });
    expect(
      sentMessages(alpha, 1)
        .filter((m) => m.role !== 'system')
        .map((m) => m.content),
    ).toEqual(['be quick', 'try again']);
  });

  it('never runs longer than agents.maxRunMs, whatever max_run_ms asks for', async () => {
    alpha.queue({ type: 'text', text: 'too late', delayMs: 6_000 });
    const started = Date.now();
    const { body } = await api.invoke({ instruction: 'take your time', max_run_ms: 600_000 });
    expect(Date.now() - started).toBeLessThan(MAX_RUN_MS + 1_500);
    expect(body.error_details?.code).toBe('time_limit');
    expect(body.error_details?.message).toContain(`(${MAX_RUN_MS} ms;`);
  });
});

describe('the token budget', () => {
  it('ends the run with token_budget once its model calls used max_tokens_per_run, before the next tool call', async () => {
    alpha.queue(listing('call_1', 300, 100), listing('call_2', 300, 100), {
      type: 'text',
      text: 'the project is empty',
      usage: { prompt: 10, completion: 5 },
    });
    const { body } = await api.invoke({
      instruction: 'look around',
      project_directory: project,
      max_tokens_per_run: 700,
    });
    expect(body.agent_status).toBe('error');
    expect(body.error_details?.code).toBe('token_budget');
    expect(body.error_details?.message).toContain('(700 tokens per run; 800 used by its model calls)');
    expect(alpha.requests).toHaveLength(2);
    expect((await api.thread(body.thread_id)).body['status']).toBe('failed');

    const again = await api.invoke({ instruction: 'go on', thread_id: body.thread_id });
    expect(again.body).toMatchObject({ agent_status: 'completed', explanation: 'the project is empty' });
    const resumed = sentMessages(alpha, 2).slice(-2);
    expect(resumed).toMatchObject([
      { role: 'tool', tool_call_id: 'call_2', content: 'Not run: the run used its token budget.' },
      { role: 'user', content: 'go on' },
    ]);
  });

  it('is agents.maxTokensPerRun when the request asks for more', async () => {
    alpha.queue(listing('call_1', 300, 100), listing('call_2', 300, 100), listing('call_3', 300, 100));
    const { body } = await api.invoke({
      instruction: 'look around',
      project_directory: project,
      max_tokens_per_run: 1_000_000,
    });
    expect(body.error_details?.code).toBe('token_budget');
    expect(body.error_details?.message).toContain(`(${MAX_TOKENS_PER_RUN} tokens per run; 1200 used`);
    expect(alpha.requests).toHaveLength(3);
  });

  it('lets the run complete when the call that spends the budget is the final answer', async () => {
    alpha.queue({ type: 'text', text: 'a long answer', usage: { prompt: 50, completion: 2_000 } });
    const { body } = await api.invoke({ instruction: 'explain', max_tokens_per_run: 100 });
    expect(body).toMatchObject({ agent_status: 'completed', explanation: 'a long answer' });
  });
});

describe('limit fields in the body', () => {
  it('answers 400 naming a limit that is not a positive integer', async () => {
    const zero = await api.invoke({ instruction: 'x', max_run_ms: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error?.param).toBe('max_run_ms');
    const text = await api.invoke({ instruction: 'x', max_tokens_per_run: 'lots' });
    expect(text.body.error?.param).toBe('max_tokens_per_run');
    expect(alpha.requests).toHaveLength(0);
  });
});
