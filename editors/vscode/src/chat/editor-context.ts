// What goes with a question about the code: the selection and the active file (cut to a size a free model takes),
// and the line that tells the person what was sent.
import * as vscode from 'vscode';
import type { ContextualRequest } from '../gateway/types.js';

/** The longest active file sent whole, in characters; a longer one is cut around the selection. */
const MAX_FILE_CHARS = 60_000;

/** The request fields of an editor's selection and file, and a label naming them (undefined: no editor). */
export interface EditorContext {
  fields: Pick<ContextualRequest, 'selected_code' | 'active_file'>;
  label: string | undefined;
}

/** The context of `editor` (none without one). */
export function editorContext(editor: vscode.TextEditor | undefined): EditorContext {
  if (editor === undefined) return { fields: {}, label: undefined };
  const { document, selection } = editor;
  const path = vscode.workspace.asRelativePath(document.uri, false);
  const selected = selection.isEmpty ? '' : document.getText(selection);
  let content = document.getText();
  if (content.length > MAX_FILE_CHARS) {
    const around = document.offsetAt(selection.start);
    const start = Math.max(0, Math.min(around - MAX_FILE_CHARS / 2, content.length - MAX_FILE_CHARS));
    content = content.slice(start, start + MAX_FILE_CHARS);
  }
  const fields: EditorContext['fields'] = {
    active_file: { path, content, language: document.languageId },
    ...(selected ? { selected_code: selected } : {}),
  };
  const lines = selection.isEmpty ? '' : ` lines ${selection.start.line + 1}-${selection.end.line + 1}`;
  return { fields, label: `${path}${lines}` };
}
