// End to end: the agent asks the human (ask_human_for_input, write approvals), resumes, refuses illegal calls, and
// cancels.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { type agentApi, sentMessages, toolCall, useAgentGateway } from './agent-harness.js';
import type { TestGateway } from './harness.js';

let alpha: FakeUpstream;
let gw: TestGateway;
let root: string;
let project: string;
let api: ReturnType<typeof agentApi>;

const fixture = useAgentGateway('human');
beforeEach(() => void ({ alpha, gw, root, project, api } = fixture));

/** Starts a thread that asks the human "Which name?" on tool call `call_q`. */
async function askingThread(threadId?: string) {
  alpha.queue({
    type: 'text',
    text: '',
    toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which name?' })],
  });
  const { status, body } = await api.invoke({
    instruction: 'Write a greeting function',
    language: 'python',
    ...(threadId ? { thread_id: threadId } : {}),
  });
  expect(status).toBe(200);
  return body;
}

describe('ask_human_for_input', () => {
  it('pauses with the question and its tool_call_id, then completes after resume', async () => {
    const paused = await askingThread();
    expect(paused.agent_status).toBe('requires_human_input');
    expect(paused.human_input_request).toEqual({
      tool_call_id: 'call_q',
      question_for_human: 'Which name?',
      kind: 'question',
    });
    expect(paused.generated_code).toBeNull();
    const view = await api.thread(paused.thread_id);
    expect(view.body).toMatchObject({ status: 'interrupted', human_input_request: { tool_call_id: 'call_q' } });

    alpha.queue({ type: 'text', text: 'Here it is:\n\n```python\ndef greet():\n    return "hi"\n```' });
    const done = await api.resume({
      thread_id: paused.thread_id,
      tool_call_id: 'call_q',
      human_response: 'call it greet',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      thread_id: paused.thread_id,
      agent_status: 'completed',
      human_input_request: null,
    });
    expect(done.body.generated_code).toBe('def greet():\n    return "hi"');
    expect(done.body.explanation).toBe('Here it is:');
    expect(done.body.run_id).not.toBe(paused.run_id);
    expect(sentMessages(alpha, 1).at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_q',
      content: 'call it greet',
    });
    expect((await api.thread(paused.thread_id)).body['status']).toBe('completed');
  });

  it('may ask again after a resume', async () => {
    const paused = await askingThread();
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_q2', 'ask_human_for_input', { question: 'Which language?' })],
    });
    const again = await api.resume({ thread_id: paused.thread_id, tool_call_id: 'call_q', human_response: 'greet' });
    expect(again.body.agent_status).toBe('requires_human_input');
    expect(again.body.human_input_request).toMatchObject({
      tool_call_id: 'call_q2',
      question_for_human: 'Which language?',
    });
  });
});

describe('illegal calls', () => {
  it('answers 409 for the wrong tool_call_id, saying which call the thread waits on', async () => {
    const paused = await askingThread();
    const { status, body } = await api.resume({
      thread_id: paused.thread_id,
      tool_call_id: 'call_other',
      human_response: 'x',
    });
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: 'tool_call_mismatch', param: 'tool_call_id' });
    expect(body.error?.message).toContain('"call_q"');
    expect(body.error?.message).toContain('Which name?');
    expect(alpha.requests).toHaveLength(1);
  });

  it('answers 409 to an invoke on a thread that waits for an answer', async () => {
    const paused = await askingThread();
    const { status, body } = await api.invoke({ instruction: 'something else', thread_id: paused.thread_id });
    expect(status).toBe(409);
    expect(body.error?.code).toBe('thread_waiting_for_input');
  });

  it('answers 409 to resuming a completed thread, and 404 to an unknown one', async () => {
    alpha.queue({ type: 'text', text: 'done' });
    const done = await api.invoke({ instruction: 'quick task' });
    const completed = await api.resume({ thread_id: done.body.thread_id, tool_call_id: 'call_q', human_response: 'x' });
    expect(completed.status).toBe(409);
    expect(completed.body.error?.code).toBe('thread_not_waiting');
    expect(completed.body.error?.message).toContain('completed');
    const unknown = await api.resume({
      thread_id: `nope-${randomUUID()}`,
      tool_call_id: 'call_q',
      human_response: 'x',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('thread_not_found');
    expect((await api.thread(`nope-${randomUUID()}`)).status).toBe(404);
  });

  it('lets one of two concurrent resumes win; the other gets 409', async () => {
    const paused = await askingThread();
    alpha.queue({ type: 'text', text: 'finished', delayMs: 300 });
    const answers = await Promise.all(
      [1, 2].map(() => api.resume({ thread_id: paused.thread_id, tool_call_id: 'call_q', human_response: 'go' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error?.code).toBe('thread_running');
    expect(answers.find((a) => a.status === 200)!.body.agent_status).toBe('completed');
    expect(alpha.requests).toHaveLength(2);
  });

  it('cancels a waiting thread: resume is refused, and an invoke continues it', async () => {
    const paused = await askingThread();
    const cancelled = await api.cancel(paused.thread_id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      human_input_request: null,
      error_details: { code: 'cancelled' },
    });
    expect(
      (await api.resume({ thread_id: paused.thread_id, tool_call_id: 'call_q', human_response: 'x' })).status,
    ).toBe(409);
    expect((await api.cancel(paused.thread_id)).status).toBe(409);
    alpha.queue({ type: 'text', text: 'fresh start' });
    const again = await api.invoke({ instruction: 'start over', thread_id: paused.thread_id });
    expect(again.body.agent_status).toBe('completed');
    const messages = sentMessages(alpha, 1).filter((m) => m.role !== 'system');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });
});

describe('require_approval: ["write_file"]', () => {
  const content = 'print("hello")\n';
  async function pausedWrite() {
    alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [toolCall('call_w', 'write_file', { filepath: 'hello.py', content })],
    });
    const { body } = await api.invoke({
      instruction: 'Write hello.py',
      project_directory: project,
      require_approval: ['write_file'],
    });
    expect(body.agent_status).toBe('requires_human_input');
    expect(body.human_input_request).toMatchObject({ tool_call_id: 'call_w', kind: 'approval' });
    expect(body.human_input_request!.question_for_human).toContain('"hello.py"');
    expect(body.human_input_request!.question_for_human).toContain(content);
    expect(existsSync(path.join(project, 'hello.py'))).toBe(false);
    return body;
  }

  it('declined: the model is told, and the file is not written', async () => {
    const paused = await pausedWrite();
    alpha.queue({ type: 'text', text: 'Understood, I did not write it.' });
    const done = await api.resume({
      thread_id: paused.thread_id,
      tool_call_id: 'call_w',
      human_response: 'no, use main.py',
    });
    expect(done.body.agent_status).toBe('completed');
    expect(done.body.files_written).toEqual([]);
    expect(existsSync(path.join(project, 'hello.py'))).toBe(false);
    const result = sentMessages(alpha, 1).at(-1)!;
    expect(result).toMatchObject({ role: 'tool', tool_call_id: 'call_w' });
    expect(result.content).toContain('declined');
    expect(result.content).toContain('no, use main.py');
  });

  it('approved: the file is written and listed', async () => {
    const paused = await pausedWrite();
    alpha.queue({ type: 'text', text: 'Written.' });
    const done = await api.resume({ thread_id: paused.thread_id, tool_call_id: 'call_w', human_response: 'Yes' });
    expect(done.body.agent_status).toBe('completed');
    expect(done.body.files_written).toEqual(['hello.py']);
    expect(await readFile(path.join(project, 'hello.py'), 'utf8')).toBe(content);
  });
});
