// The chat view on the fake API: its page, a question with the selection and file as context streamed back, the
// footer's model, the code blocks' buttons, a failure's message.
import { beforeEach, describe, expect, it } from 'vitest';
import { ChatViewProvider } from '../src/chat/view-provider.js';
import { explain, GatewayError } from '../src/gateway/errors.js';
import type { FromWebview, ToWebview } from '../src/webview/protocol.js';
import { FakeDocument, FakeEditor, fake, Position, Selection, Uri } from './fake-vscode.js';
import { stubClient } from './stub-client.js';

const SOURCE = 'const a = 1;\nconst b = a + 1;\nexport { b };\n';

function setup() {
  fake.reset();
  const stub = stubClient();
  const editor = new FakeEditor(new FakeDocument(SOURCE), new Selection(new Position(1, 0), new Position(1, 16)));
  const answered: (string | undefined)[] = [];
  const provider = new ChatViewProvider({
    extensionUri: Uri.file('/ext') as never,
    client: stub.client,
    mode: () => 'fastest',
    editor: () => editor as never,
    answeredBy: (model) => answered.push(model),
    failed: (err) => explain(err, 'http://gw'),
  });
  const posted: ToWebview[] = [];
  let receive: (message: FromWebview) => void = () => undefined;
  const webview = {
    options: {} as Record<string, unknown>,
    html: '',
    cspSource: 'vscode-webview:',
    asWebviewUri: (uri: Uri) => uri,
    postMessage: async (message: ToWebview) => posted.push(message),
    onDidReceiveMessage: (listener: (message: FromWebview) => void) => void (receive = listener),
  };
  provider.resolveWebviewView({ webview, show: () => undefined, onDidDispose: () => undefined } as never);
  receive({ type: 'ready' });
  const send = async (message: FromWebview) => {
    receive(message);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { stub, editor, provider, posted, webview, send, answered };
}

let t: ReturnType<typeof setup>;
beforeEach(() => {
  t = setup();
});

describe('the chat view', () => {
  it('serves its page with scripts on and only its dist folder loadable, and names the context', () => {
    expect(t.webview.options).toMatchObject({ enableScripts: true, localResourceRoots: [Uri.file('/ext/dist')] });
    expect(t.webview.html).toMatch(/script-src 'nonce-[A-Za-z0-9]{32}'/);
    expect(t.webview.html).toContain('src="file:/ext/dist/webview.js"');
    expect(t.posted).toEqual([{ type: 'context', label: 'src/app.ts lines 2-2' }]);
  });

  it('sends the question with the selection, file and mode, streams the answer, and names who answered', async () => {
    t.stub.script.chats.push({ deltas: ['It ', 'adds ', 'one.'], provider: 'alpha', model: 'alpha/alpha-chat' });
    await t.provider.ask('What does this do?');
    expect(t.stub.calls.chats[0]).toEqual({
      prompt: 'What does this do?',
      selected_code: 'const b = a + 1;',
      active_file: { path: 'src/app.ts', content: SOURCE, language: 'typescript' },
      model_quality: 'fastest',
    });
    expect(t.posted.slice(1)).toEqual([
      { type: 'question', id: 't1', prompt: 'What does this do?', context: 'with src/app.ts lines 2-2' },
      { type: 'delta', id: 't1', text: 'It ' },
      { type: 'delta', id: 't1', text: 'adds ' },
      { type: 'delta', id: 't1', text: 'one.' },
      { type: 'answered', id: 't1', provider: 'alpha', model: 'alpha/alpha-chat' },
    ]);
    expect(t.answered).toEqual(['alpha/alpha-chat']);

    // The next question carries the conversation so far; Clear forgets it.
    await t.send({ type: 'ask', prompt: 'Shorter?' });
    expect(t.stub.calls.chats[1]!.prompt).toBe(
      'Earlier in this conversation:\n\nUser: What does this do?\nAssistant: It adds one.\n\nNow: Shorter?',
    );
    await t.send({ type: 'clear' });
    await t.provider.ask('Fresh');
    expect(t.stub.calls.chats[2]!.prompt).toBe('Fresh');
  });

  it('inserts a code block at the cursor, replaces the selection with one, and copies one', async () => {
    await t.send({ type: 'replace', code: 'const b = a + 2;' });
    expect(t.editor.document.text).toBe('const a = 1;\nconst b = a + 2;\nexport { b };\n');
    t.editor.selection = new Selection(new Position(0, 0), new Position(0, 0));
    await t.send({ type: 'insert', code: '// top\n' });
    expect(t.editor.document.text.startsWith('// top\nconst a = 1;')).toBe(true);
    await t.send({ type: 'copy', code: 'copied()' });
    expect(fake.clipboard).toBe('copied()');
  });

  it('shows a refused key as what to do, in the view', async () => {
    t.stub.script.chats.push(new GatewayError('Invalid client key', 401, 'invalid_api_key'));
    await t.provider.ask('Hi');
    const failed = t.posted.find((m) => m.type === 'failed');
    expect(failed).toMatchObject({ id: 't1' });
    expect((failed as { message: string }).message).toContain('Run "Switchboard: Set client key"');
  });
});
