// The refactor and the coding agent on the fake API: the refactor shown as a diff and applied only when accepted; the
// agent invoked on the workspace folder, a write shown as a diff and approved or declined, a refused folder explained.
import { beforeEach, describe, expect, it } from 'vitest';
import { runAgentCommand } from '../src/agent/command.js';
import type { ChatViewProvider } from '../src/chat/view-provider.js';
import { refactorSelection } from '../src/commands/selection.js';
import { explain, GatewayError } from '../src/gateway/errors.js';
import { ProposedContent } from '../src/proposed-content.js';
import { FakeDocument, FakeEditor, fake, Position, Selection, Uri } from './fake-vscode.js';
import { agentAnswer, stubClient } from './stub-client.js';

let stub: ReturnType<typeof stubClient>;
let proposed: ProposedContent;
/** What each diff editor opened showed: the left URI and the proposed text on the right. */
let diffs: { left: string; right: string; title: string }[];

beforeEach(() => {
  fake.reset();
  stub = stubClient();
  proposed = new ProposedContent();
  diffs = [];
  fake.commands.set('vscode.diff', (left, right, title) => {
    const l = left as Uri;
    diffs.push({
      left: l.scheme === 'file' ? l.toString() : `proposed:${proposed.provideTextDocumentContent(l as never)}`,
      right: proposed.provideTextDocumentContent(right as never),
      title: title as string,
    });
  });
});

const failed = (err: unknown) => {
  const message = explain(err, 'http://gw');
  fake.messages.push({ level: 'error', text: message, actions: [] });
  return message;
};

describe('Refactor selection...', () => {
  const setup = () => {
    const editor = new FakeEditor(
      new FakeDocument('function f() {\n  var x = 1;\n  return x;\n}\n'),
      new Selection(new Position(1, 0), new Position(2, 11)),
    );
    fake.activeEditor = editor;
    fake.inputs.push('use const');
    stub.script.chats.push({
      deltas: ['Here:\n\n```js\n  const x = 1;\n  return x;\n```\n'],
      model: 'alpha/alpha-chat',
    });
    const deps = {
      chat: {} as ChatViewProvider,
      client: stub.client,
      proposed,
      mode: () => 'balanced' as const,
      answeredBy: () => undefined,
      failed,
    };
    return { editor, deps };
  };

  it('shows the whole file with the selection replaced as a diff, and replaces it in place once accepted', async () => {
    const { editor, deps } = setup();
    fake.choices.push('Accept');
    await refactorSelection(deps);
    expect(stub.calls.chats[0]).toMatchObject({
      selected_code: '  var x = 1;\n  return x;',
      model_quality: 'balanced',
    });
    expect(stub.calls.chats[0]!.prompt).toMatch(/^Refactor the selected code: use const\./);
    expect(diffs).toEqual([
      {
        left: 'file:/work/project/src/app.ts',
        right: 'function f() {\n  const x = 1;\n  return x;\n}\n',
        title: 'src/app.ts: refactor by alpha/alpha-chat',
      },
    ]);
    expect(fake.messages.at(-1)).toMatchObject({
      text: 'Switchboard: apply the refactor by alpha/alpha-chat to src/app.ts?',
      actions: ['Accept', 'Reject'],
    });
    expect(editor.document.text).toBe('function f() {\n  const x = 1;\n  return x;\n}\n');
  });

  it('leaves the file as it was when rejected', async () => {
    const { editor, deps } = setup();
    fake.choices.push('Reject');
    await refactorSelection(deps);
    expect(diffs).toHaveLength(1);
    expect(editor.document.text).toBe('function f() {\n  var x = 1;\n  return x;\n}\n');
  });
});

describe('Run coding agent...', () => {
  const deps = (requireApproval = true) => ({
    client: stub.client,
    // Nothing listens on port 9: the run goes on without live progress.
    target: async () => ({ baseUrl: 'http://127.0.0.1:9', key: undefined }),
    proposed,
    panel: { appendLine: (line: string) => fake.outputLines.push(line), show: () => undefined } as never,
    mode: () => 'best_quality' as const,
    requireApproval: () => requireApproval,
    answeredBy: () => undefined,
    failed,
    editor: () => undefined,
  });
  const waitingWrite = () => {
    stub.script.invoke = agentAnswer({
      agent_status: 'requires_human_input',
      human_input_request: { tool_call_id: 'call_w', question_for_human: 'Write greet.py?', kind: 'approval' },
      request_params: { project_directory: '/work/project' },
    });
    stub.script.thread = {
      thread_id: 'th',
      status: 'interrupted',
      files_written: [],
      human_input_request: null,
      messages: [
        { role: 'user', content: 'add greet' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_w',
              function: {
                name: 'write_file',
                arguments: JSON.stringify({ filepath: 'greet.py', content: 'def greet():\n    pass\n' }),
              },
            },
          ],
        },
      ],
    };
  };
  beforeEach(() => {
    fake.workspaceFolders = [{ uri: Uri.file('/work/project'), name: 'project', index: 0 }];
    fake.inputs.push('add greet');
  });

  it('invokes on the folder with writes to approve, shows the write as a diff, resumes with yes on Approve', async () => {
    waitingWrite();
    stub.script.resumes.push(agentAnswer({ files_written: ['greet.py'], explanation: 'Added greet.' }));
    fake.choices.push('Approve', 'Open files');
    await runAgentCommand(deps());
    expect(stub.calls.invokes[0]).toMatchObject({
      instruction: 'add greet',
      project_directory: '/work/project',
      model_quality: 'best_quality',
      require_approval: ['write_file'],
    });
    expect(stub.calls.invokes[0]!.thread_id).toMatch(/^[0-9a-f-]{36}$/);
    // A new file: the left side is empty.
    expect(diffs).toEqual([
      { left: 'proposed:', right: 'def greet():\n    pass\n', title: "greet.py: the agent's write (proposed)" },
    ]);
    expect(fake.messages.map((m) => m.text)).toContain('Switchboard agent wants to write greet.py (new file).');
    expect(stub.calls.resumes).toEqual([{ threadId: 'th', toolCallId: 'call_w', answer: 'yes' }]);
    expect(fake.messages.at(-1)).toMatchObject({
      text: 'Switchboard agent wrote greet.py (alpha/alpha-chat).',
      actions: ['Open files', 'Show log'],
    });
    expect(fake.opened).toEqual(['file:/work/project/greet.py']);
    expect(fake.outputLines.join('\n')).toContain('Added greet.');
    expect(fake.outputLines.join('\n')).toContain('(no live progress: cannot open ws://127.0.0.1:9/v1/ws');
  });

  it('declines with the reason typed, diffs an existing file against the disk, and writes without asking when set so', async () => {
    waitingWrite();
    fake.files.add('/work/project/greet.py');
    stub.script.resumes.push(agentAnswer({ explanation: 'Left it.' }));
    fake.choices.push('Decline');
    fake.inputs.push('keep the old name');
    await runAgentCommand(deps());
    expect(diffs[0]!.left).toBe('file:/work/project/greet.py');
    expect(stub.calls.resumes[0]!.answer).toBe('keep the old name');

    fake.inputs.push('again');
    stub.script.invoke = agentAnswer({ generated_code: 'print(1)' });
    await runAgentCommand(deps(false));
    expect(stub.calls.invokes[1]!.require_approval).toEqual([]);
    expect(fake.messages.at(-1)!.actions).toEqual(['Insert code', 'Show log']);
  });

  it("asks the model's question in an input box and resumes with the answer", async () => {
    stub.script.invoke = agentAnswer({
      agent_status: 'requires_human_input',
      human_input_request: { tool_call_id: 'call_q', question_for_human: 'Which name?', kind: 'question' },
    });
    fake.inputs.push('greet');
    await runAgentCommand(deps());
    expect(fake.inputBoxes[1]).toMatchObject({ title: 'The Switchboard agent asks', prompt: 'Which name?' });
    expect(stub.calls.resumes).toEqual([{ threadId: 'th', toolCallId: 'call_q', answer: 'greet' }]);
  });

  it('keeps a question nobody answered waiting, and Answer now asks it again and resumes', async () => {
    stub.script.invoke = agentAnswer({
      agent_status: 'requires_human_input',
      human_input_request: { tool_call_id: 'call_q', question_for_human: 'Which name?', kind: 'question' },
    });
    fake.inputs.push(undefined, 'greet');
    fake.choices.push('Answer now');
    await runAgentCommand(deps());
    expect(fake.messages.find((m) => m.level === 'warning')).toMatchObject({
      text: 'Switchboard agent: thread th waits for your answer.',
      actions: ['Answer now', 'Cancel thread'],
    });
    expect(stub.calls.invokes).toHaveLength(1);
    expect(fake.inputBoxes.filter((box) => box['prompt'] === 'Which name?')).toHaveLength(2);
    expect(stub.calls.resumes).toEqual([{ threadId: 'th', toolCallId: 'call_q', answer: 'greet' }]);
  });

  it('tells how to allow the folder when the gateway refuses it', async () => {
    stub.script.invoke = new GatewayError(
      'project_directory is not under an allowed root',
      400,
      'workspace_not_allowed',
    );
    await runAgentCommand(deps());
    const error = fake.messages.find((m) => m.level === 'error')!;
    expect(error.text).toContain('the gateway does not let the agent work in /work/project');
    expect(error.text).toContain('`switchboard init --workspace-root /work/project`');
    expect(error.text).toContain('SWITCHBOARD_WORKSPACE_ROOTS=/work/project');
  });
});
