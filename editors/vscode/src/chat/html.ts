// The chat view's HTML: a strict Content-Security-Policy (nothing remote, scripts and styles only with this load's
// nonce or from the extension's own files), the layout, and VS Code's theme colours.

/** What the page needs from the webview: its CSP source, the script's webview URI and a fresh nonce. */
export interface ChatPage {
  cspSource: string;
  scriptUri: string;
  nonce: string;
}

/** A random nonce for the CSP: 32 letters and digits. */
export function makeNonce(random: () => number = Math.random): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 32 }, () => chars[Math.floor(random() * chars.length)]).join('');
}

/** The CSP of the page: the only script is ours (by nonce), styles ours, images only from the extension or data:. */
export function contentSecurityPolicy({ cspSource, nonce }: Omit<ChatPage, 'scriptUri'>): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const STYLE = `
body { padding: 0; margin: 0; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
  color: var(--vscode-foreground); background: var(--vscode-sideBar-background); display: flex; flex-direction: column;
  height: 100vh; }
#log { flex: 1; overflow-y: auto; padding: 8px 12px; }
#empty { opacity: 0.8; line-height: 1.5; }
.turn { margin: 0 0 14px; }
.who { font-weight: 600; margin-bottom: 4px; }
.turn.user .text { white-space: pre-wrap; }
.context-note, .footer, #context { font-size: 0.9em; color: var(--vscode-descriptionForeground); margin-top: 4px; }
.markdown p { margin: 4px 0 8px; line-height: 1.45; }
.markdown code { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.markdown a { color: var(--vscode-textLink-foreground); }
.code-block { border: 1px solid var(--vscode-panel-border); border-radius: 4px; margin: 6px 0 10px; }
.code-head { display: flex; align-items: center; gap: 4px; padding: 2px 4px 2px 8px;
  background: var(--vscode-editorGroupHeader-tabsBackground); }
.code-lang { flex: 1; font-size: 0.85em; color: var(--vscode-descriptionForeground); }
.code-actions { display: flex; gap: 4px; margin-left: auto; }
.code-block pre { margin: 0; padding: 8px; overflow-x: auto; background: var(--vscode-textCodeBlock-background); }
button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground);
  border: none; border-radius: 2px; padding: 2px 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
.error { color: var(--vscode-errorForeground); }
form { border-top: 1px solid var(--vscode-panel-border); padding: 8px 12px; }
textarea { width: 100%; box-sizing: border-box; resize: vertical; min-height: 52px; font: inherit;
  color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, transparent); padding: 4px 6px; }
.row { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
#context { flex: 1; margin: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
`;

/** The whole page. */
export function chatHtml(page: ChatPage): string {
  const { nonce } = page;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Switchboard chat</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="log" aria-live="polite">
<p id="empty">Ask about the code in front of you. The selection and the active file go with your question; every answer
says which model gave it.</p>
</main>
<form id="ask">
<label for="prompt" class="who">Ask Switchboard</label>
<textarea id="prompt" rows="3" placeholder="Ask about your code (Enter to send, Shift+Enter for a new line)"></textarea>
<div class="row">
<p id="context">No editor open: no code context</p>
<button type="button" id="clear">Clear</button>
<button type="button" id="stop" hidden>Stop</button>
<button type="submit" id="send" class="primary">Send</button>
</div>
</form>
<script nonce="${nonce}" src="${page.scriptUri}"></script>
</body>
</html>`;
}
