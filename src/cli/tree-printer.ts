// Prints a growing tree of lines: final lines once, in order; on a terminal the lines still changing are redrawn in
// place below them (with a spinner), elsewhere (a pipe, a file) they wait until they are final.
import type { TreeLine } from './follow-tree.js';
import { clip } from './output.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;
/** Move to the start of the line N lines up, then erase to the end of the screen. */
const up = (n: number) => `\u001b[${n}F\u001b[J`;

/** The terminal output of `switchboard follow`: `render(spinner)` gives the tree's lines as they are now. */
export class TreePrinter {
  private printed = 0;
  /** Lines of the live region now on screen. */
  private live = 0;
  private frame = 0;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly render: (spinner: string) => TreeLine[],
  ) {
    this.tty = out.isTTY === true;
    // On a terminal the spinner turns, and token bursts are drawn, once a frame rather than on every event.
    if (this.tty)
      this.timer = setInterval(() => {
        this.frame += 1;
        this.paint(this.render(this.spinner()));
      }, FRAME_MS);
  }

  /** Shows what changed; `often` (a token) waits for the next frame on a terminal, and changes no final line. */
  update(often = false): void {
    if (!often) this.paint(this.render(this.spinner()));
  }

  /** Prints what is left as it stands and stops the spinner. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.paint(this.render(this.spinner()).map((line) => ({ ...line, final: true })));
  }

  private spinner(): string {
    return this.tty ? SPINNER[this.frame % SPINNER.length]! : '▸';
  }

  private paint(lines: TreeLine[]): void {
    const firstLive = lines.findIndex((line) => !line.final);
    const finals = firstLive === -1 ? lines.length : firstLive;
    let text = this.tty && this.live > 0 ? up(this.live) : '';
    for (const line of lines.slice(this.printed, finals)) text += `${line.text}\n`;
    this.printed = Math.max(this.printed, finals);
    this.live = 0;
    if (this.tty) {
      // Cut to the width: a wrapped line would throw off the count of lines to redraw.
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      for (const line of lines.slice(finals)) text += `${clip(line.text, width)}\n`;
      this.live = lines.length - finals;
    }
    if (text !== '') this.out.write(text);
  }
}
