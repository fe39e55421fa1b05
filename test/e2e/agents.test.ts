// End to end: coding tasks over HTTP against a scripted fake OpenAI upstream: files in a project, limits, failures,
// 400s.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { type agentApi, sentMessages, toolCall as call, useAgentGateway } from './agent-harness.js';
import type { TestGateway } from './harness.js';

let alpha: FakeUpstream;
let gw: TestGateway;
let root: string;
let project: string;
let api: ReturnType<typeof agentApi>;

const fixture = useAgentGateway('root', { agents: { maxSteps: 4 } });
beforeEach(() => void ({ alpha, gw, root, project, api } = fixture));

const invoke = (body: unknown) => api.invoke(body);
const thread = (id: string) => api.thread(id);
const sent = (n: number) => sentMessages(alpha, n);

describe('a coding task in a project', () => {
  it('writes a file through write_file, then completes with the code and the explanation', async () => {
    const content = 'export const add = (a: number, b: number): number => a + b;\n';
    alpha.queue(
      { type: 'text', text: '', toolCalls: [call('call_w', 'write_file', { filepath: 'src/add.ts', content })] },
      { type: 'text', text: `I added the function.\n\n\`\`\`ts\n${content}\`\`\`\n\nIt lives in src/add.ts.` },
    );
    const { status, body } = await invoke({
      instruction: 'Write an add function',
      project_directory: project,
      language: 'typescript',
    });
    expect(status).toBe(200);
    expect(body.agent_status).toBe('completed');
    expect(body.generated_code).toBe(content.trimEnd());
    expect(body.explanation).toBe('I added the function.\n\nIt lives in src/add.ts.');
    expect(body.files_written).toEqual(['src/add.ts']);
    expect(body.model_used).toBe('alpha/alpha-chat');
    expect(body.human_input_request).toBeNull();
    expect(body.error_details).toBeNull();
    expect(body.request_params).toMatchObject({
      instruction: 'Write an add function',
      project_directory: project,
      language: 'typescript',
    });
    expect(await readFile(path.join(project, 'src/add.ts'), 'utf8')).toBe(content);
    const tools = (alpha.requests[0]!.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    expect(tools.sort()).toEqual(['ask_human_for_input', 'list_files', 'read_file', 'write_file']);
    expect(sent(1).at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_w',
      content: `Created src/add.ts (${Buffer.byteLength(content)} bytes).`,
    });
  });

  it('lists and reads files before answering, and the thread shows the whole conversation', async () => {
    await writeFile(path.join(project, 'notes.md'), '# Notes\nuse tabs\n');
    alpha.queue(
      { type: 'text', text: '', toolCalls: [call('call_l', 'list_files', {})] },
      { type: 'text', text: '', toolCalls: [call('call_r', 'read_file', { filepath: 'notes.md' })] },
      { type: 'text', text: 'The notes say to use tabs.' },
    );
    const { body } = await invoke({ instruction: 'What do the notes say?', project_directory: project });
    expect(body.agent_status).toBe('completed');
    expect(body.generated_code).toBe('');
    expect(body.explanation).toBe('The notes say to use tabs.');
    expect(sent(1).at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_l', content: 'notes.md' });
    expect(sent(2).at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_r', content: '# Notes\nuse tabs\n' });
    const view = await thread(body.thread_id);
    expect(view.status).toBe(200);
    expect(view.body['status']).toBe('completed');
    expect((view.body['messages'] as Array<{ role: string }>).map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'assistant',
    ]);
  });

  it('refuses paths outside the project (.., absolute, symlink): the model reads why, nothing outside is read or written', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'agent-outside-'));
    try {
      await writeFile(path.join(root, 'secret.txt'), 'top secret');
      await symlink(outside, path.join(project, 'link'));
      alpha.queue(
        {
          type: 'text',
          text: '',
          toolCalls: [
            call('c1', 'read_file', { filepath: '../secret.txt' }),
            call('c2', 'read_file', { filepath: path.join(root, 'secret.txt') }),
            call('c3', 'write_file', { filepath: 'link/escape.txt', content: 'escaped' }),
          ],
        },
        { type: 'text', text: 'I cannot touch those files.' },
      );
      const { body } = await invoke({ instruction: 'Read the secret', project_directory: project });
      expect(body.agent_status).toBe('completed');
      expect(body.files_written).toEqual([]);
      const results = sent(1).filter((m) => m.role === 'tool');
      expect(results.map((m) => m.tool_call_id)).toEqual(['c1', 'c2', 'c3']);
      for (const result of results) {
        expect(result.content).toMatch(/^Error: Refused/);
        expect(result.content).not.toContain('top secret');
      }
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('continues a thread: a second invoke with its thread_id sees the first conversation', async () => {
    alpha.queue({ type: 'text', text: 'first answer' }, { type: 'text', text: 'second answer' });
    const first = await invoke({ instruction: 'first task' });
    const second = await invoke({ instruction: 'second task', thread_id: first.body.thread_id });
    expect(second.body.thread_id).toBe(first.body.thread_id);
    expect(second.body.explanation).toBe('second answer');
    const contents = sent(1)
      .filter((m) => m.role !== 'system')
      .map((m) => m.content);
    expect(contents).toEqual(['first task', 'first answer', 'second task']);
  });

  it('ends with step_limit when the model keeps calling tools past maxSteps', async () => {
    alpha.setFallback({ type: 'text', text: '', toolCalls: [call('call_loop', 'list_files', {})] });
    const { body } = await invoke({ instruction: 'loop forever', project_directory: project });
    expect(body.agent_status).toBe('error');
    expect(body.error_details?.code).toBe('step_limit');
    expect(body.error_details?.message).toContain('4 model calls');
    expect(alpha.requests).toHaveLength(4);
  });

  it('reports a model failure as error_details, and the thread continues on the next invoke', async () => {
    alpha.queue(
      { type: 'error', status: 400, message: 'tools are not supported' },
      { type: 'text', text: 'recovered' },
    );
    const failed = await invoke({ instruction: 'try' });
    expect(failed.status).toBe(200);
    expect(failed.body.agent_status).toBe('error');
    expect(failed.body.error_details).toMatchObject({ code: 'upstream_bad_request' });
    expect(failed.body.error_details?.message).toContain('tools are not supported');
    expect((await thread(failed.body.thread_id)).body['status']).toBe('failed');
    const again = await invoke({ instruction: 'try again', thread_id: failed.body.thread_id });
    expect(again.body.agent_status).toBe('completed');
    expect(again.body.explanation).toBe('recovered');
  });
});

describe('project_directory checks', () => {
  it('answers 400 naming project_directory when it is outside the roots, before any model call', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'agent-outside-'));
    try {
      const threadId = `outside-${randomUUID()}`;
      const { status, body } = await invoke({ instruction: 'x', project_directory: outside, thread_id: threadId });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({
        param: 'project_directory',
        code: 'workspace_not_allowed',
        type: 'invalid_request_error',
      });
      expect(alpha.requests).toHaveLength(0);
      expect((await thread(threadId)).status).toBe(404);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('answers 400 naming the field for a bad body', async () => {
    const { status, body } = await invoke({ instruction: '   ' });
    expect(status).toBe(400);
    expect(body.error?.param).toBe('instruction');
    const bad = await invoke({ instruction: 'x', require_approval: ['rm_rf'] });
    expect(bad.body.error?.param).toBe('require_approval[0]');
  });
});
