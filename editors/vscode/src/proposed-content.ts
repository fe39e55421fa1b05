// Read-only documents of proposed text (a refactor, an agent's write) for the right side of VS Code's diff editor.
import * as vscode from 'vscode';

/** The URI scheme of proposed documents. */
export const PROPOSED_SCHEME = 'switchboard-proposed';

/** Holds proposed texts under URIs that the diff editor opens. */
export class ProposedContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  /** A URI showing `text`, named after `path` (so the editor picks the language from its extension). */
  add(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: PROPOSED_SCHEME,
      path: `/${path.replace(/^\/+/, '')}`,
      query: String(++this.counter),
    });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  /** Forgets a proposal once it was decided. */
  remove(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}
