// The VS Code extension's gateway client (editors/vscode/src/gateway, src/agent/session.ts: no VS Code API) against a
// real gateway in front of a fake provider: a streamed contextual answer with its provider and model, an agent run
// that asks a question and writes a file once approved, followed live over /v1/ws, a refused folder, and a 401.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveAgent, type ProposedWrite, workspaceAdvice } from '../../editors/vscode/src/agent/session.js';
import { createGatewayClient, type GatewayTarget } from '../../editors/vscode/src/gateway/client.js';
import { explain, GatewayError } from '../../editors/vscode/src/gateway/errors.js';
import { followThread } from '../../editors/vscode/src/gateway/socket.js';
import type { RunEvent } from '../../editors/vscode/src/gateway/types.js';
import { agentProviders, tempRoot, toolCall, useAgentGateway } from './agent-harness.js';
import { startTestGateway, type TestGateway } from './harness.js';

const fixture = useAgentGateway('vscode');
const open = (): Promise<GatewayTarget> => Promise.resolve({ baseUrl: `${fixture.gw.url}/`, key: undefined });

describe('the extension against a real gateway', () => {
  it('streams a contextual answer piece by piece, with the provider and model that gave it', async () => {
    fixture.alpha.queue({ type: 'text', text: 'It adds one to a.', chunks: ['It adds ', 'one ', 'to a.'] });
    const deltas: string[] = [];
    const answer = await createGatewayClient(open).contextualChat(
      {
        prompt: 'What does this do?',
        selected_code: 'const b = a + 1;',
        active_file: { path: 'src/app.ts', content: 'const a = 1;\nconst b = a + 1;\n', language: 'typescript' },
        model_quality: 'fastest',
      },
      (text) => deltas.push(text),
    );
    expect(deltas).toEqual(['It adds ', 'one ', 'to a.']);
    expect(answer).toMatchObject({ text: 'It adds one to a.', provider: 'alpha', model: 'alpha/alpha-chat' });
    expect(answer.runId).toMatch(/^run_/);
    // The selection and the file reached the model, fenced, with the request.
    const sent = fixture.alpha.requests[0]!.body.messages.at(-1).content as string;
    expect(sent).toContain('Active file: src/app.ts\n```typescript\nconst a = 1;');
    expect(sent).toContain('Selected code:\n```typescript\nconst b = a + 1;\n```');
    expect(sent).toContain('Request: What does this do?');
  });

  it('runs the agent: a question answered, a write shown and approved, the file written, every step followed over /v1/ws', async () => {
    fixture.alpha.queue(
      { type: 'text', text: '', toolCalls: [toolCall('call_q', 'ask_human_for_input', { question: 'Which name?' })] },
      {
        type: 'text',
        text: '',
        toolCalls: [toolCall('call_w', 'write_file', { filepath: 'greet.py', content: 'def greet():\n    pass\n' })],
      },
      { type: 'text', text: 'I wrote greet.py.' },
    );
    const client = createGatewayClient(open);
    const threadId = randomUUID();
    const events: RunEvent[] = [];
    const follow = await followThread(await open(), threadId, (event) => events.push(event));
    const asked: string[] = [];
    const writes: ProposedWrite[] = [];
    const start = () =>
      client.invoke({
        instruction: 'add a greeting',
        project_directory: fixture.project,
        thread_id: threadId,
        require_approval: ['write_file'],
      });
    const answer = await driveAgent(
      client,
      start,
      fixture.project,
      {
        ask: async (question) => (asked.push(question), 'greet'),
        approve: async (write, dir) => {
          expect(dir).toBe(fixture.project);
          writes.push(write);
          return 'yes';
        },
      },
      follow,
    );
    follow.close();
    expect(answer).toMatchObject({
      agent_status: 'completed',
      files_written: ['greet.py'],
      model_used: 'alpha/alpha-chat',
    });
    expect(answer.explanation).toBe('I wrote greet.py.');
    expect(asked).toEqual(['Which name?']);
    expect(writes).toEqual([{ filepath: 'greet.py', content: 'def greet():\n    pass\n' }]);
    expect(await readFile(path.join(fixture.project, 'greet.py'), 'utf8')).toBe('def greet():\n    pass\n');

    // Three runs (invoke, two resumes), each followed to its end, node by node and tool call by tool call.
    const runs = [...new Set(events.map((e) => e.run_id))];
    expect(runs).toHaveLength(3);
    expect(events.filter((e) => e.type === 'run_finished').map((e) => e.data['agent_status'])).toEqual([
      'requires_human_input',
      'requires_human_input',
      'completed',
    ]);
    expect(events.filter((e) => e.type === 'interrupt').map((e) => e.data['kind'])).toEqual(['question', 'approval']);
    const writeCall = events.find((e) => e.type === 'tool_call' && e.data['name'] === 'write_file');
    expect(writeCall?.data['args']).toEqual({ filepath: 'greet.py', content: 'def greet():\n    pass\n' });
    expect(
      events.some((e) => e.type === 'tool_result' && e.data['name'] === 'write_file' && e.data['status'] === 'success'),
    ).toBe(true);
    expect(events.some((e) => e.type === 'node_started' && e.node === 'agent')).toBe(true);
  });

  it('says how to allow a folder the gateway refuses', async () => {
    const elsewhere = await tempRoot('vscode-elsewhere');
    const err = await createGatewayClient(open)
      .invoke({ instruction: 'anything', project_directory: elsewhere })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(workspaceAdvice(err, elsewhere)).toContain(`switchboard init --workspace-root ${elsewhere}`);
    expect(fixture.alpha.requests).toHaveLength(0);
  });
});

describe('the extension against a gateway that requires a client key', () => {
  const ADMIN = 'admin-key-for-vscode-tests';
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await startTestGateway({ providers: agentProviders(fixture.alpha) }, undefined, {
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_REQUIRE_AUTH: '1',
    });
    const res = await fetch(`${gw.url}/admin/client-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'vscode' }),
    });
    key = ((await res.json()) as { key: string }).key;
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('gets a 401 without the key, shown as how to set one, on HTTP and on /v1/ws; the key set, it is answered', async () => {
    const without = createGatewayClient(async () => ({ baseUrl: gw.url, key: undefined }));
    const err = await without.contextualChat({ prompt: 'hi' }, () => undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(explain(err, gw.url)).toContain('Run "Switchboard: Set client key"');
    const wsErr = await followThread({ baseUrl: gw.url, key: 'sk-sb-wrong' }, 'some-thread', () => undefined).catch(
      (e: unknown) => e,
    );
    expect(wsErr).toMatchObject({ status: 401 });
    expect(fixture.alpha.requests).toHaveLength(0);
    expect(await without.reachable()).toBe(true);

    fixture.alpha.queue({ type: 'text', text: 'Hello.' });
    const answer = await createGatewayClient(async () => ({ baseUrl: gw.url, key })).contextualChat(
      { prompt: 'hi' },
      () => undefined,
    );
    expect(answer.text).toBe('Hello.');
  });
});
