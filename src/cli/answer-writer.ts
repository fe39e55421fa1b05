// Prints an answer as it streams: the raw tokens at once, then, on a terminal, the finished answer redrawn as rendered
// markdown (marked + marked-terminal) in place of the raw text; plain text anywhere else.
import { color, type Out } from './output.js';
import type { AnswerInfo } from './completion.js';
import { printable, rowsMoved } from './terminal-text.js';

/** Where an answer goes: a terminal (with its size) gets markdown; anything else gets the text exactly. */
export interface AnswerTarget extends Out {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** Prints one answer. */
export interface AnswerWriter {
  /** Prints a piece of the answer as it arrives. */
  write(piece: string): void;
  /** The answer is complete: on a terminal, redraws it as markdown; ends with a newline. */
  finish(): Promise<void>;
  /** The answer stopped early: ends the line and leaves what was shown as it is. */
  stop(): void;
}

type Render = (markdown: string, columns: number) => string;
let renderer: Promise<Render> | undefined;

/**
 * Loads the markdown renderer once, in the background: marked-terminal (with its syntax highlighter) takes most of a
 * second to import, which every other command should not pay, and which an answer's streaming time hides.
 */
export function loadMarkdown(): Promise<Render> {
  renderer ??= Promise.all([import('marked'), import('marked-terminal')]).then(([{ Marked }, { markedTerminal }]) => {
    // Paragraphs are wrapped to the terminal (up to 100 columns, for reading), as wide as it is at the answer's end.
    const terminalMarkdown = (columns: number) =>
      new Marked(markedTerminal({ width: Math.min(columns, 100), reflowText: true, tab: 2 }) as never, {
        renderer: {
          // The text of a tight list item is a block holding inline tokens, which marked-terminal prints as source
          // (`code` and **bold** with their marks); render its inline tokens instead, and leave other text to it.
          text(token) {
            return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
          },
        },
      });
    return (markdown: string, columns: number) =>
      terminalMarkdown(columns).parse(markdown, { async: false }).replace(/\s+$/, '');
  });
  return renderer;
}

/**
 * A writer for one answer. On a terminal whose colours are on (or when `markdown` says so), the finished answer
 * replaces the streamed text when all of it is still on screen (the cursor cannot go back into the scrollback; a
 * longer answer stays as streamed).
 */
export function answerWriter(out: AnswerTarget, markdown = out.isTTY === true && color.isColorSupported): AnswerWriter {
  const terminal = out.isTTY === true;
  if (markdown) void loadMarkdown();
  let shown = '';
  // Until the first token, a terminal shows that the question is on its way.
  let waiting = terminal;
  if (waiting) out.write(color.dim('…'));
  const endWait = () => {
    if (waiting) out.write('\r\u001b[K');
    waiting = false;
  };
  const endLine = () => {
    endWait();
    if (shown !== '' && !shown.endsWith('\n')) out.write('\n');
  };
  return {
    write(piece) {
      endWait();
      // Model output is printed exactly where it is data (a pipe, a file); a terminal gets no control sequences.
      const text = terminal ? printable(piece) : piece;
      shown += text;
      out.write(text);
    },
    async finish() {
      const columns = out.columns ?? 80;
      const up = rowsMoved(shown, columns);
      if (!markdown || shown.trim() === '' || up >= (out.rows ?? 24) - 1) return endLine();
      const rendered = (await loadMarkdown())(shown, columns);
      // Back to where the answer began, clear from there down, and print the rendering.
      out.write(`\r${up > 0 ? `\u001b[${up}A` : ''}\u001b[J${rendered}\n`);
    },
    stop: endLine,
  };
}

/** The line after an answer: which provider and model answered, after how many attempts, how fast, how many tokens. */
export function statusLine(info: AnswerInfo): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const attempts = info.attempts ?? 1;
  const parts = [
    info.cached ? `cached answer of ${info.model ?? 'a model'}` : (info.model ?? info.provider ?? 'unknown model'),
    // A cached answer took no attempt; more than one means the first choices failed and the gateway fell back.
    ...(info.cached ? [] : [attempts === 1 ? '1 attempt' : color.yellow(`${attempts} attempts`)]),
    info.firstTokenMs === undefined
      ? seconds(info.totalMs)
      : `${seconds(info.totalMs)} (first token ${seconds(info.firstTokenMs)})`,
    ...(info.usage ? [`${info.usage.prompt_tokens}+${info.usage.completion_tokens} tokens`] : []),
  ];
  return color.dim(`↳ ${parts.join(' · ')}`);
}
