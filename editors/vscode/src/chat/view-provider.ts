// The chat side-bar view: a webview with the conversation; questions go to /v1/contextual_chat/completions with the
// selection and active file, answers stream back, and the code blocks' buttons edit the editor or copy.
import * as vscode from 'vscode';
import type { GatewayClient } from '../gateway/client.js';
import type { ModelQuality } from '../gateway/types.js';
import type { FromWebview, ToWebview } from '../webview/protocol.js';
import { composePrompt, type Turn } from './conversation.js';
import { editorContext } from './editor-context.js';
import { chatHtml, makeNonce } from './html.js';

/** The view's id in package.json. */
export const CHAT_VIEW_ID = 'switchboard.chat';

/** What the view needs from the rest of the extension. */
export interface ChatDeps {
  extensionUri: vscode.Uri;
  client: GatewayClient;
  mode(): ModelQuality;
  /** The editor the question is about: the active one, or the last one active before the view took focus. */
  editor(): vscode.TextEditor | undefined;
  /** Called with each answer's model, for the status bar. */
  answeredBy(model: string | undefined): void;
  /** Shows a failure to the person; returns the text for the view. */
  failed(err: unknown): string;
}

/** The chat view; `ask` is also how the selection commands put a question. */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private markReady: () => void = () => undefined;
  /** Settles once the page's script runs (a question asked before that waits for it). */
  private ready = this.nextReady();
  private history: Turn[] = [];
  private running: AbortController | undefined;
  private turns = 0;

  constructor(private readonly deps: ChatDeps) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = this.nextReady();
    });
    view.webview.onDidReceiveMessage((message: FromWebview) => {
      if (message.type === 'ready') {
        this.markReady();
        this.showContext();
      } else void this.handle(message);
    });
    view.webview.html = chatHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      nonce: makeNonce(),
    });
  }

  private nextReady(): Promise<void> {
    return new Promise((resolve) => (this.markReady = resolve));
  }

  /** Tells the view which code goes with the next question. */
  showContext(): void {
    void this.post({ type: 'context', label: editorContext(this.deps.editor()).label });
  }

  /** Asks `prompt` about the current editor in the view (revealing it first), streaming the answer into it. */
  async ask(prompt: string): Promise<void> {
    if (this.view === undefined) await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    else this.view.show(true);
    await this.ready;
    this.running?.abort();
    const running = new AbortController();
    this.running = running;
    const id = `t${++this.turns}`;
    const context = editorContext(this.deps.editor());
    await this.post({ type: 'question', id, prompt, context: context.label && `with ${context.label}` });
    try {
      const answer = await this.deps.client.contextualChat(
        { prompt: composePrompt(this.history, prompt), ...context.fields, model_quality: this.deps.mode() },
        (text) => void this.post({ type: 'delta', id, text }),
        running.signal,
      );
      this.history.push({ prompt, answer: answer.text });
      this.deps.answeredBy(answer.model);
      await this.post({ type: 'answered', id, provider: answer.provider, model: answer.model });
    } catch (err) {
      const message = running.signal.aborted ? 'Stopped.' : this.deps.failed(err);
      await this.post({ type: 'failed', id, message });
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  private async handle(message: Exclude<FromWebview, { type: 'ready' }>): Promise<void> {
    if (message.type === 'ask') return this.ask(message.prompt);
    if (message.type === 'stop') return this.running?.abort();
    if (message.type === 'clear') {
      this.history = [];
      return void this.post({ type: 'clear' });
    }
    if (message.type === 'copy') {
      await vscode.env.clipboard.writeText(message.code);
      return void vscode.window.setStatusBarMessage('Switchboard: code copied', 2_000);
    }
    const editor = this.deps.editor();
    if (editor === undefined) {
      void vscode.window.showWarningMessage('Switchboard: open a file to put the code in.');
      return;
    }
    await editor.edit((edit) => {
      if (message.type === 'insert') edit.insert(editor.selection.active, message.code);
      else edit.replace(editor.selection, message.code);
    });
  }

  private async post(message: ToWebview): Promise<void> {
    await this.view?.webview.postMessage(message);
  }
}
