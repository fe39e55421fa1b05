// `Switchboard: Run coding agent...`: the task on a workspace folder, followed live in the agent panel (an output
// channel fed by /v1/ws) under a progress notification, its questions and writes answered in VS Code.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { GatewayClient, GatewayTarget } from '../gateway/client.js';
import { followThread, type ThreadFollow } from '../gateway/socket.js';
import type { AgentResponse, InvokeRequest, ModelQuality } from '../gateway/types.js';
import type { ProposedContent } from '../proposed-content.js';
import { describeEvent } from './describe.js';
import { vscodeHuman } from './human.js';
import { driveAgent, workspaceAdvice } from './session.js';

/** What the command needs. */
export interface AgentDeps {
  client: GatewayClient;
  target(): Promise<GatewayTarget>;
  proposed: ProposedContent;
  panel: vscode.OutputChannel;
  mode(): ModelQuality;
  requireApproval(): boolean;
  answeredBy(model: string | undefined): void;
  failed(err: unknown): string;
  /** The editor generated code goes into when the agent wrote no file. */
  editor(): vscode.TextEditor | undefined;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Switchboard: open a folder first; the agent works on a workspace folder.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder the agent works in' });
}

/** Runs the command. */
export async function runAgentCommand(deps: AgentDeps): Promise<void> {
  const folder = await pickFolder();
  if (folder === undefined) return;
  const instruction = await vscode.window.showInputBox({
    title: `Run the coding agent on ${folder.name}`,
    placeHolder: 'e.g. add a slugify function to src/text.ts with tests',
    ignoreFocusOut: true,
  });
  if (!instruction?.trim()) return;
  const dir = folder.uri.fsPath;
  const threadId = randomUUID();
  const { panel } = deps;
  panel.show(true);
  panel.appendLine(`\n=== ${instruction.trim()} (${dir}, thread ${threadId})`);
  const request: InvokeRequest = {
    instruction: instruction.trim(),
    project_directory: dir,
    thread_id: threadId,
    model_quality: deps.mode(),
    require_approval: deps.requireApproval() ? ['write_file'] : [],
  };
  await run(deps, folder, threadId, () => deps.client.invoke(request));
}

/** Runs the thread from `start` under a progress notification, then tells how it ended. */
async function run(
  deps: AgentDeps,
  folder: vscode.WorkspaceFolder,
  threadId: string,
  start: () => Promise<AgentResponse>,
): Promise<void> {
  const dir = folder.uri.fsPath;
  let answer: AgentResponse;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Switchboard agent', cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => void deps.client.cancel(threadId).catch(() => undefined));
        const following = await followRun(deps, threadId, (line) => progress.report({ message: line.trim() }));
        try {
          return await driveAgent(deps.client, start, dir, vscodeHuman(deps.proposed), following);
        } finally {
          following?.close();
        }
      },
    );
  } catch (err) {
    const advice = workspaceAdvice(err, dir);
    if (advice === undefined) deps.failed(err);
    else void vscode.window.showErrorMessage(advice);
    deps.panel.appendLine(`■ ${advice ?? 'failed'}`);
    return;
  }
  deps.answeredBy(answer.model_used ?? undefined);
  if (answer.agent_status === 'requires_human_input') {
    // No answer given (Escape): the thread keeps waiting; answer later, or cancel it.
    const choice = await vscode.window.showWarningMessage(
      `Switchboard agent: thread ${answer.thread_id} waits for your answer.`,
      'Answer now',
      'Cancel thread',
    );
    if (choice === 'Answer now') await run(deps, folder, threadId, async () => answer);
    else if (choice === 'Cancel thread') await deps.client.cancel(threadId).catch((err: unknown) => deps.failed(err));
    return;
  }
  await finish(deps, answer, folder);
}

/** Follows the thread into the panel; without /v1/ws the run still works, with no live lines. */
async function followRun(
  deps: AgentDeps,
  threadId: string,
  report: (line: string) => void,
): Promise<ThreadFollow | undefined> {
  try {
    return await followThread(await deps.target(), threadId, (event) => {
      const line = describeEvent(event);
      if (line === undefined) return;
      deps.panel.appendLine(line);
      report(line);
    });
  } catch (err) {
    deps.panel.appendLine(`(no live progress: ${(err as Error).message})`);
    return undefined;
  }
}

async function finish(deps: AgentDeps, answer: AgentResponse, folder: vscode.WorkspaceFolder): Promise<void> {
  const { panel } = deps;
  if (answer.explanation) panel.appendLine(`\n${answer.explanation}`);
  if (answer.generated_code && answer.files_written.length === 0) panel.appendLine(`\n${answer.generated_code}`);
  if (answer.agent_status === 'error') {
    const details = answer.error_details;
    void vscode.window.showErrorMessage(
      `Switchboard agent stopped: ${details?.message ?? 'unknown error'} (${details?.code ?? 'error'}). The thread keeps its work.`,
    );
    return;
  }
  const by = answer.model_used ? ` (${answer.model_used})` : '';
  const files = answer.files_written;
  const code = files.length === 0 ? answer.generated_code : null;
  const actions = [...(files.length > 0 ? ['Open files'] : []), ...(code ? ['Insert code'] : []), 'Show log'];
  const summary = files.length > 0 ? `wrote ${files.join(', ')}` : 'done';
  const choice = await vscode.window.showInformationMessage(`Switchboard agent ${summary}${by}.`, ...actions);
  if (choice === 'Show log') panel.show();
  else if (choice === 'Insert code' && code) {
    const editor = deps.editor();
    if (editor) await editor.edit((edit) => edit.insert(editor.selection.active, code));
    else await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: code }));
  } else if (choice === 'Open files') {
    const picked =
      files.length === 1
        ? files
        : await vscode.window.showQuickPick(files, { canPickMany: true, title: 'Open files the agent wrote' });
    for (const file of picked ?? [])
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, file), { preview: false });
  }
}
