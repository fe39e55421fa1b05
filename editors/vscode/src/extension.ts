// The extension's entry point: wires the gateway client, the chat view, the commands and the status bar.
import * as vscode from 'vscode';
import { runAgentCommand } from './agent/command.js';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat/view-provider.js';
import { askAboutSelection, explainSelection, refactorSelection } from './commands/selection.js';
import { createGatewayClient } from './gateway/client.js';
import { explain } from './gateway/errors.js';
import { PROPOSED_SCHEME, ProposedContent } from './proposed-content.js';
import { forgetClientKey, gatewayTarget, promptClientKey, readSettings } from './settings.js';
import { STATUS_MENU_COMMAND, StatusBar, showStatusMenu } from './status-bar.js';

/** How often the status bar checks that the gateway answers. */
const PROBE_MS = 30_000;

export function activate(context: vscode.ExtensionContext): void {
  const target = gatewayTarget(context.secrets);
  const client = createGatewayClient(target);
  const status = new StatusBar();
  const proposed = new ProposedContent();
  const panel = vscode.window.createOutputChannel('Switchboard Agent');
  // The editor a question is about: the chat view takes the focus, so keep the last text editor that had it.
  let lastEditor = vscode.window.activeTextEditor;
  const editor = () => vscode.window.activeTextEditor ?? lastEditor;
  const mode = () => readSettings().modelQuality;
  const answeredBy = (model: string | undefined) => {
    status.setReachable(true);
    status.setLastModel(model);
  };
  const failed = (err: unknown) => {
    const message = explain(err, readSettings().gatewayUrl);
    const actions = err instanceof Error && 'status' in err && err.status === 401 ? ['Set client key'] : [];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === 'Set client key') void vscode.commands.executeCommand('switchboard.setClientKey');
    });
    if (err instanceof Error && 'status' in err && err.status === 0) status.setReachable(false);
    return message;
  };
  const chat = new ChatViewProvider({ extensionUri: context.extensionUri, client, mode, editor, answeredBy, failed });
  const selection = { chat, client, proposed, mode, answeredBy, failed };
  const probe = async () => status.setReachable(await client.reachable());
  const timer = setInterval(() => void probe(), PROBE_MS);
  void probe();

  context.subscriptions.push(
    status,
    panel,
    { dispose: () => clearInterval(timer) },
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.window.onDidChangeActiveTextEditor((active) => {
      if (active) lastEditor = active;
      chat.showContext();
    }),
    vscode.window.onDidChangeTextEditorSelection(() => chat.showContext()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('switchboard')) return;
      status.draw();
      if (event.affectsConfiguration('switchboard.gatewayUrl')) void probe();
    }),
    vscode.commands.registerCommand('switchboard.setClientKey', async () => {
      if (await promptClientKey(context.secrets)) void probe();
    }),
    vscode.commands.registerCommand('switchboard.clearClientKey', () => forgetClientKey(context.secrets)),
    vscode.commands.registerCommand('switchboard.askSelection', () => askAboutSelection(selection)),
    vscode.commands.registerCommand('switchboard.explainSelection', () => explainSelection(selection)),
    vscode.commands.registerCommand('switchboard.refactorSelection', () => refactorSelection(selection)),
    vscode.commands.registerCommand('switchboard.runAgent', () =>
      runAgentCommand({
        client,
        target,
        proposed,
        panel,
        mode,
        requireApproval: () => readSettings().requireApproval,
        answeredBy,
        failed,
        editor,
      }),
    ),
    vscode.commands.registerCommand(STATUS_MENU_COMMAND, showStatusMenu),
  );
}

export function deactivate(): void {}
