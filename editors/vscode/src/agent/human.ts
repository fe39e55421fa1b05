// The person at the agent's other end, in VS Code: its questions in an input box, each write as a diff editor with
// Approve / Decline (a decline may say why; the model reads it).
import * as vscode from 'vscode';
import type { ProposedContent } from '../proposed-content.js';
import type { AgentHuman, ProposedWrite } from './session.js';

/** The agent's human, answering through VS Code's input box, diff editor and notifications. */
export function vscodeHuman(proposed: ProposedContent): AgentHuman {
  return {
    async ask(question) {
      return vscode.window.showInputBox({
        title: 'The Switchboard agent asks',
        prompt: question,
        ignoreFocusOut: true,
      });
    },
    async approve(write, projectDirectory) {
      const shown = await showWrite(proposed, write, projectDirectory);
      try {
        const choice = await vscode.window.showInformationMessage(
          `Switchboard agent wants to write ${write.filepath}${shown.isNew ? ' (new file)' : ''}.`,
          'Approve',
          'Decline',
        );
        if (choice === undefined) return undefined;
        if (choice === 'Approve') return 'yes';
        const why = await vscode.window.showInputBox({
          title: `Decline the write of ${write.filepath}`,
          prompt: 'Why not? The agent reads this (empty: just decline)',
          ignoreFocusOut: true,
        });
        return why?.trim() ? why.trim() : 'no';
      } finally {
        for (const uri of shown.temporary) proposed.remove(uri);
      }
    },
  };
}

/** Opens the diff of the write: the file as it is (empty for a new one) against the proposed content. */
async function showWrite(proposed: ProposedContent, write: ProposedWrite, projectDirectory: string) {
  const file = vscode.Uri.joinPath(vscode.Uri.file(projectDirectory), write.filepath);
  const isNew = await vscode.workspace.fs.stat(file).then(
    () => false,
    () => true,
  );
  const right = proposed.add(write.filepath, write.content);
  const left = isNew ? proposed.add(write.filepath, '') : file;
  await vscode.commands.executeCommand('vscode.diff', left, right, `${write.filepath}: the agent's write (proposed)`);
  return { isNew, temporary: isNew ? [left, right] : [right] };
}
