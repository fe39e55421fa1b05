// End to end with REDIS_URL: two gateway instances on one Redis never run the same thread at once (the thread's lease
// lives in Redis); the one that loses gets 409 thread_running, and continues the thread once the other's run ended.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { agentApi, toolCall, useAgentInstancesOnRedis } from './agent-harness.js';
import type { TestGateway } from './harness.js';

let alpha: FakeUpstream;
let a: TestGateway;
let b: TestGateway;

const pair = useAgentInstancesOnRedis('lock');
beforeEach(() => void ({ alpha, a, b } = pair));

/** Resolves once the fake upstream has received `count` requests (a run is in its model call). */
async function upstreamReached(count: number): Promise<void> {
  for (let waited = 0; alpha.requests.length < count; waited += 10) {
    if (waited > 5_000) throw new Error(`the upstream got ${alpha.requests.length} requests, not ${count}`);
    await sleep(10);
  }
}

describe('one run per thread across instances', () => {
  it('refuses invoke, resume and cancel on B while A runs the thread; B continues it after', async () => {
    const threadId = `lock-${randomUUID()}`;
    alpha.queue({
      type: 'text',
      text: '',
      delayMs: 1_500,
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Go on?' })],
    });
    const onA = agentApi(a.url).invoke({ instruction: 'ask me', thread_id: threadId });
    await upstreamReached(1);

    const apiB = agentApi(b.url);
    const refused = [
      await apiB.invoke({ instruction: 'me too', thread_id: threadId }),
      await apiB.resume({ thread_id: threadId, tool_call_id: 'call_q', human_response: 'yes' }),
      await apiB.cancel(threadId),
    ];
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(Array(3).fill([409, 'thread_running']));
    expect(alpha.requests).toHaveLength(1); // B ran nothing

    expect((await onA).body).toMatchObject({
      agent_status: 'requires_human_input',
      human_input_request: { tool_call_id: 'call_q' },
    });
    alpha.queue({ type: 'text', text: 'Done on B.' });
    const done = await apiB.resume({ thread_id: threadId, tool_call_id: 'call_q', human_response: 'yes' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ agent_status: 'completed', explanation: 'Done on B.' });
  });

  it('lets one of two resumes at once, on A and on B, win; the other gets 409; then either instance continues', async () => {
    const threadId = `race-${randomUUID()}`;
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which?' })],
    });
    expect((await agentApi(a.url).invoke({ instruction: 'ask me', thread_id: threadId })).body.agent_status).toBe(
      'requires_human_input',
    );

    alpha.queue({ type: 'text', text: 'finished', delayMs: 500 });
    const answers = await Promise.all(
      [a, b].map((g) =>
        agentApi(g.url).resume({ thread_id: threadId, tool_call_id: 'call_q', human_response: 'this' }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error?.code).toBe('thread_running');
    expect(answers.find((r) => r.status === 200)!.body.agent_status).toBe('completed');
    expect(alpha.requests).toHaveLength(2); // the invoke's model call and the winner's, nothing from the loser

    const loser = answers[0]!.status === 409 ? a : b;
    alpha.queue({ type: 'text', text: 'again' });
    expect((await agentApi(loser.url).invoke({ instruction: 'once more', thread_id: threadId })).body).toMatchObject({
      agent_status: 'completed',
      explanation: 'again',
    });
  });
});
