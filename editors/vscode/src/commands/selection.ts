// Ask about selection, Explain selection and Refactor selection...: the first two put a question in the chat view,
// the refactor replaces the selection with the model's code once the person accepted it in a diff.
import * as vscode from 'vscode';
import { editorContext } from '../chat/editor-context.js';
import type { ChatViewProvider } from '../chat/view-provider.js';
import type { GatewayClient } from '../gateway/client.js';
import type { ModelQuality } from '../gateway/types.js';
import type { ProposedContent } from '../proposed-content.js';
import { firstCodeBlock } from './code-block.js';

/** What the selection commands need. */
export interface SelectionDeps {
  chat: ChatViewProvider;
  client: GatewayClient;
  proposed: ProposedContent;
  mode(): ModelQuality;
  answeredBy(model: string | undefined): void;
  failed(err: unknown): string;
}

function selectedEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.selection.isEmpty) {
    void vscode.window.showWarningMessage('Switchboard: select some code first.');
    return undefined;
  }
  return editor;
}

/** `Switchboard: Ask about selection`: a question typed in an input box, answered in the chat view. */
export async function askAboutSelection(deps: SelectionDeps): Promise<void> {
  if (selectedEditor() === undefined) return;
  const prompt = await vscode.window.showInputBox({
    title: 'Ask about the selection',
    placeHolder: 'e.g. Why can this throw? Is there a faster way?',
  });
  if (prompt?.trim()) await deps.chat.ask(prompt.trim());
}

/** `Switchboard: Explain selection`. */
export async function explainSelection(deps: SelectionDeps): Promise<void> {
  if (selectedEditor() === undefined) return;
  await deps.chat.ask('Explain what the selected code does, step by step, and anything surprising in it.');
}

/** `Switchboard: Refactor selection...`: how to change it, the model's version as a diff, Accept replaces in place. */
export async function refactorSelection(deps: SelectionDeps): Promise<void> {
  const editor = selectedEditor();
  if (editor === undefined) return;
  const how = await vscode.window.showInputBox({
    title: 'Refactor the selection',
    prompt: 'How should the code change?',
    placeHolder: 'e.g. extract a function, use async/await, add types',
  });
  if (!how?.trim()) return;
  const { document, selection } = editor;
  const version = document.version;
  const context = editorContext(editor);
  const prompt =
    `Refactor the selected code: ${how.trim()}. Answer with the complete replacement for the selected code only ` +
    '(keep its indentation), in one fenced code block.';
  let answer: Awaited<ReturnType<GatewayClient['contextualChat']>>;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Switchboard: refactoring…', cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return deps.client.contextualChat(
          { prompt, ...context.fields, model_quality: deps.mode() },
          () => undefined,
          abort.signal,
        );
      },
    );
  } catch (err) {
    deps.failed(err);
    return;
  }
  deps.answeredBy(answer.model);
  const code = firstCodeBlock(answer.text);
  if (code === undefined) {
    void vscode.window.showWarningMessage(
      `Switchboard: ${answer.model ?? 'the model'} answered without code; ask in the chat view instead.`,
    );
    return;
  }
  const whole = document.getText();
  const proposedText =
    whole.slice(0, document.offsetAt(selection.start)) + code + whole.slice(document.offsetAt(selection.end));
  const path = vscode.workspace.asRelativePath(document.uri, false);
  const proposedUri = deps.proposed.add(path, proposedText);
  const by = answer.model ?? 'unknown model';
  await vscode.commands.executeCommand('vscode.diff', document.uri, proposedUri, `${path}: refactor by ${by}`);
  const choice = await vscode.window.showInformationMessage(
    `Switchboard: apply the refactor by ${by} to ${path}?`,
    'Accept',
    'Reject',
  );
  deps.proposed.remove(proposedUri);
  if (choice !== 'Accept') return;
  if (document.version !== version) {
    void vscode.window.showWarningMessage('Switchboard: the file changed meanwhile; run the refactor again.');
    return;
  }
  const target = await vscode.window.showTextDocument(document, editor.viewColumn);
  await target.edit((edit) => edit.replace(selection, code));
}
