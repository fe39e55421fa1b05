// The messages between the chat view (extension side) and its webview script.

/** Extension → webview. */
export type ToWebview =
  | { type: 'question'; id: string; prompt: string; context: string | undefined }
  | { type: 'delta'; id: string; text: string }
  | { type: 'answered'; id: string; provider: string | undefined; model: string | undefined }
  | { type: 'failed'; id: string; message: string }
  | { type: 'context'; label: string | undefined }
  | { type: 'clear' };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'ask'; prompt: string }
  | { type: 'stop' }
  | { type: 'clear' }
  | { type: 'insert' | 'replace' | 'copy'; code: string };
