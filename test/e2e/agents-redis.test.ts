// End to end with REDIS_URL: a thread paused on one gateway instance resumes on another, and survives a restart.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { agentApi, sentMessages, toolCall, useAgentInstancesOnRedis } from './agent-harness.js';
import type { TestGateway } from './harness.js';

let alpha: FakeUpstream;
let root: string;
let a: TestGateway;
let b: TestGateway;

const pair = useAgentInstancesOnRedis('redis');
beforeEach(() => void ({ alpha, root, a, b } = pair));

describe('agent threads in Redis', () => {
  it('pauses on instance A and resumes on instance B, files and all', async () => {
    const project = path.join(root, `p-${randomUUID().slice(0, 8)}`);
    await mkdir(project);
    const threadId = `redis-${randomUUID()}`;
    alpha.queue(
      {
        type: 'text',
        text: '',
        toolCalls: [toolCall('call_w', 'write_file', { filepath: 'a.txt', content: 'from A' })],
      },
      {
        type: 'text',
        text: '',
        toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Also write b.txt?' })],
      },
    );
    const paused = await agentApi(a.url).invoke({
      instruction: 'write files',
      project_directory: project,
      thread_id: threadId,
    });
    expect(paused.body).toMatchObject({ agent_status: 'requires_human_input', files_written: ['a.txt'] });

    const seen = await agentApi(b.url).thread(threadId);
    expect(seen.body).toMatchObject({
      status: 'interrupted',
      files_written: ['a.txt'],
      human_input_request: { tool_call_id: 'call_q' },
    });

    alpha.queue(
      {
        type: 'text',
        text: '',
        toolCalls: [toolCall('call_w2', 'write_file', { filepath: 'b.txt', content: 'from B' })],
      },
      { type: 'text', text: 'Both written.' },
    );
    const done = await agentApi(b.url).resume({ thread_id: threadId, tool_call_id: 'call_q', human_response: 'yes' });
    expect(done.body).toMatchObject({
      agent_status: 'completed',
      explanation: 'Both written.',
      files_written: ['a.txt', 'b.txt'],
    });
    expect(await readFile(path.join(project, 'b.txt'), 'utf8')).toBe('from B');
    expect(sentMessages(alpha, 2).at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_q', content: 'yes' });
    expect((await agentApi(a.url).thread(threadId)).body['status']).toBe('completed');
    // Each run's events are in the shared log: A's run can be replayed from B.
    const replayed = await b.gateway.stores.eventLog.read({ runId: paused.body.run_id });
    expect(replayed.some((e) => e.type === 'interrupt' && e.thread_id === threadId)).toBe(true);
  });

  it('resumes a thread after the instance that paused it is restarted', async () => {
    const threadId = `restart-${randomUUID()}`;
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Name?' })],
    });
    expect((await agentApi(a.url).invoke({ instruction: 'ask me', thread_id: threadId })).body.agent_status).toBe(
      'requires_human_input',
    );
    a = await pair.restartA();
    alpha.queue({ type: 'text', text: 'Hello, Ada.' });
    const done = await agentApi(a.url).resume({ thread_id: threadId, tool_call_id: 'call_q', human_response: 'Ada' });
    expect(done.body).toMatchObject({ agent_status: 'completed', explanation: 'Hello, Ada.' });
  });
});
