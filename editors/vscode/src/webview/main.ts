// The chat webview's script: the conversation as rendered markdown, streamed in as it arrives, the input box, and the
// code blocks' buttons, which hand the code to the extension (the webview cannot touch the editor or the clipboard).
import type { FromWebview, ToWebview } from './protocol.js';
import { escapeHtml, renderMarkdown } from './render.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const log = document.getElementById('log')!;
const form = document.getElementById('ask') as HTMLFormElement;
const input = document.getElementById('prompt') as HTMLTextAreaElement;
const send = document.getElementById('send') as HTMLButtonElement;
const stop = document.getElementById('stop') as HTMLButtonElement;
const contextLabel = document.getElementById('context')!;

interface Answer {
  markdown: string;
  codes: string[];
  body: HTMLElement;
  footer: HTMLElement;
  drawn: boolean;
}
const answers = new Map<string, Answer>();

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

function busy(on: boolean): void {
  send.disabled = on;
  stop.hidden = !on;
}

function addTurn(id: string, prompt: string, context: string | undefined): void {
  document.getElementById('empty')?.remove();
  const question = document.createElement('div');
  question.className = 'turn user';
  question.innerHTML = `<div class="who">You</div><div class="text">${escapeHtml(prompt)}</div>${
    context ? `<div class="context-note">${escapeHtml(context)}</div>` : ''
  }`;
  const answer = document.createElement('div');
  answer.className = 'turn assistant';
  answer.innerHTML = '<div class="who">Switchboard</div><div class="markdown"><span class="thinking">…</span></div>';
  const footer = document.createElement('div');
  footer.className = 'footer';
  answer.append(footer);
  log.append(question, answer);
  answers.set(id, { markdown: '', codes: [], body: answer.querySelector('.markdown')!, footer, drawn: true });
  busy(true);
  answer.scrollIntoView({ block: 'end' });
}

// Re-render at most once a frame, however fast the deltas come.
function draw(answer: Answer): void {
  if (!answer.drawn) return;
  answer.drawn = false;
  requestAnimationFrame(() => {
    const { html, codes } = renderMarkdown(answer.markdown);
    answer.body.innerHTML = html;
    answer.codes = codes;
    answer.drawn = true;
    log.scrollTop = log.scrollHeight;
  });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'question') addTurn(message.id, message.prompt, message.context);
  else if (message.type === 'context')
    contextLabel.textContent = message.label ? `Context: ${message.label}` : 'No editor open: no code context';
  else if (message.type === 'clear') {
    log.replaceChildren();
    answers.clear();
  } else {
    const answer = answers.get(message.id);
    if (!answer) return;
    if (message.type === 'delta') {
      answer.markdown += message.text;
      draw(answer);
    } else if (message.type === 'answered') {
      const { html, codes } = renderMarkdown(answer.markdown);
      answer.body.innerHTML = html;
      answer.codes = codes;
      const by = [message.model ?? 'unknown model', message.provider ? `via ${message.provider}` : ''];
      answer.footer.textContent = `Answered by ${by.filter(Boolean).join(' ')}`;
      busy(false);
    } else if (message.type === 'failed') {
      answer.body.innerHTML = `<p class="error">${escapeHtml(message.message)}</p>`;
      busy(false);
    }
  }
});

log.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button.code-action') as HTMLButtonElement | null;
  if (!button) return;
  const turn = button.closest('.turn.assistant');
  const answer = [...answers.values()].find((a) => a.body.parentElement === turn);
  const code = answer?.codes[Number(button.dataset['index'])];
  const action = button.dataset['action'];
  if (code !== undefined && (action === 'insert' || action === 'replace' || action === 'copy'))
    post({ type: action, code });
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const prompt = input.value.trim();
  if (!prompt || send.disabled) return;
  post({ type: 'ask', prompt });
  input.value = '';
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});
stop.addEventListener('click', () => post({ type: 'stop' }));
document.getElementById('clear')!.addEventListener('click', () => post({ type: 'clear' }));
post({ type: 'ready' });
