// Markdown of an answer to safe HTML for the chat webview: raw HTML is shown as text, links only for http(s) and
// mailto, images as their alt text (the webview loads nothing remote), and each code block gets its action buttons.
import { Marked, type Tokens } from 'marked';

/** An answer rendered: the HTML, and the code of each block by its `data-index`. */
export interface Rendered {
  html: string;
  codes: string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const SAFE_LINK = /^(https?:|mailto:)/i;

/** The buttons under every code block; the webview script posts the block's code with the action. */
const CODE_ACTIONS = [
  { action: 'insert', label: 'Insert at cursor' },
  { action: 'replace', label: 'Replace selection' },
  { action: 'copy', label: 'Copy' },
] as const;

/** Renders `markdown` (possibly cut mid-stream: an open fence renders as a block so far). */
export function renderMarkdown(markdown: string): Rendered {
  const codes: string[] = [];
  const marked = new Marked({
    gfm: true,
    breaks: false,
    async: false,
    renderer: {
      html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
      link({ href, title, tokens }: Tokens.Link) {
        const text = this.parser.parseInline(tokens);
        if (!SAFE_LINK.test(href)) return text;
        const titled = title ? ` title="${escapeHtml(title)}"` : '';
        return `<a href="${escapeHtml(href)}"${titled}>${text}</a>`;
      },
      image: ({ text }: Tokens.Image) => escapeHtml(text),
      code({ text, lang }: Tokens.Code) {
        const index = codes.push(text) - 1;
        const language = (lang ?? '').match(/^[\w+#.-]+/)?.[0] ?? '';
        const buttons = CODE_ACTIONS.map(
          ({ action, label }) =>
            `<button type="button" class="code-action" data-action="${action}" data-index="${index}">${label}</button>`,
        ).join('');
        const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : '';
        const cls = language ? ` class="language-${escapeHtml(language)}"` : '';
        return (
          `<div class="code-block"><div class="code-head">${label}<span class="code-actions">${buttons}</span></div>` +
          `<pre><code${cls}>${escapeHtml(text)}</code></pre></div>`
        );
      },
    },
  });
  const html = marked.parse(markdown) as string;
  return { html, codes };
}
