// End to end: an agent thread's runs arrive over /v1/ws under the thread id the client chose, interrupt included.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunEvent } from '../../src/events/types.js';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { agentApi, agentProviders, toolCall } from './agent-harness.js';
import { eventually, startTestGateway, type TestGateway } from './harness.js';

let alpha: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  alpha = await startOpenAIUpstream();
  gw = await startTestGateway({ providers: agentProviders(alpha) });
});
afterAll(async () => {
  await gw?.close();
  await alpha?.close();
});

const trace = (events: RunEvent[]) => events.map((e) => (e.node ? `${e.type}:${e.node}` : e.type));

describe('agent run events', () => {
  it('follows a thread subscribed before its first run: both runs, in order, with the thread id and the interrupt', async () => {
    const threadId = `events-${randomUUID()}`;
    const ws = new WebSocket(`${gw.url.replace(/^http/, 'ws')}/v1/ws`);
    const events: RunEvent[] = [];
    let subscribed = false;
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: RunEvent };
      if (message.type === 'subscribed') subscribed = true;
      if (message.type === 'event') events.push(message.event!);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', thread_id: threadId }));
    expect(await eventually(() => subscribed)).toBe(true);

    const api = agentApi(gw.url);
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Tabs or spaces?' })],
    });
    const paused = await api.invoke({ instruction: 'Format the file', thread_id: threadId });
    expect(paused.body.thread_id).toBe(threadId);
    alpha.queue({ type: 'text', text: 'Spaces it is.' });
    const done = await api.resume({ thread_id: threadId, tool_call_id: 'call_q', human_response: 'spaces' });
    expect(done.body.agent_status).toBe('completed');

    const runOf = (runId: string) => events.filter((e) => e.run_id === runId);
    expect(await eventually(() => runOf(done.body.run_id).some((e) => e.type === 'run_finished'), 5_000)).toBe(true);
    ws.close();

    const first = runOf(paused.body.run_id);
    expect(trace(first)).toEqual([
      'run_started',
      'node_started:agent',
      'route_decided:agent',
      'node_finished:agent',
      'node_started:tools',
      'tool_call:tools',
      'node_finished:tools',
      'interrupt:tools',
      'run_finished',
    ]);
    expect(first.map((e) => e.seq)).toEqual(first.map((_, i) => i + 1));
    expect(events.every((e) => e.thread_id === threadId)).toBe(true);
    expect(first.find((e) => e.type === 'interrupt')!.data).toEqual({
      tool_call_id: 'call_q',
      question: 'Tabs or spaces?',
      kind: 'question',
    });
    expect(first.find((e) => e.type === 'tool_call')!.data).toMatchObject({
      tool_call_id: 'call_q',
      name: 'ask_human_for_input',
    });
    expect(first.at(-1)!.data).toMatchObject({ agent_status: 'requires_human_input' });

    const second = runOf(done.body.run_id);
    expect(trace(second)).toEqual([
      'run_started',
      'node_started:tools',
      'tool_call:tools',
      'tool_result:tools',
      'node_finished:tools',
      'node_started:agent',
      'route_decided:agent',
      'node_finished:agent',
      'run_finished',
    ]);
    expect(second.find((e) => e.type === 'tool_result')!.data).toMatchObject({
      tool_call_id: 'call_q',
      content: 'spaces',
      status: 'success',
    });
    expect(second.at(-1)!.data).toMatchObject({ agent_status: 'completed', model: 'alpha/alpha-chat' });
  });

  it('ends a failed run with run_failed carrying the error details', async () => {
    alpha.queue({ type: 'error', status: 400, message: 'bad tools' });
    const failed = await agentApi(gw.url).invoke({ instruction: 'fail please' });
    expect(failed.body.agent_status).toBe('error');
    const stored = await gw.gateway.stores.eventLog.read({ runId: failed.body.run_id });
    expect(stored.at(-1)).toMatchObject({
      type: 'run_failed',
      thread_id: failed.body.thread_id,
      data: { code: 'upstream_bad_request' },
    });
    expect(stored.some((e) => e.type === 'attempt_failed' && e.node === 'agent')).toBe(true);
  });
});
