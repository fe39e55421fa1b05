// How every command prints: tables (cli-table3), colours (picocolors, which honours NO_COLOR, FORCE_COLOR and a
// non-TTY stdout) and JSON.
import Table from 'cli-table3';
import pc from 'picocolors';

/**
 * Colours for terminal output; plain text when NO_COLOR is set or stdout is not a terminal.
 * @public
 */
export const color = pc;

/**
 * Something commands write to: process.stdout, or a test's collector.
 * @public
 */
export interface Out {
  write(text: string): unknown;
}

/** A borderless, aligned table with a bold header row, ending in a newline. */
export function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head: head.map((h) => color.bold(h)),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  t.push(...rows);
  return `${t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** Data as indented JSON, ending in a newline (what every `--json` prints). */
export function json(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
