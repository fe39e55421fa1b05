// How every command prints: tables (cli-table3), colours (picocolors) and JSON.
import Table from 'cli-table3';
import pc from 'picocolors';

/**
 * Colours on when stdout is a terminal or FORCE_COLOR is set, off when NO_COLOR (or FORCE_COLOR=0) is set. Decided here rather than by
 * picocolors' own default, which also turns colours on whenever a CI variable is set, even into a pipe or a file.
 */
export function colorsWanted(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): boolean {
  if (env.NO_COLOR || env.FORCE_COLOR === '0') return false;
  if (env.FORCE_COLOR) return true;
  return stdoutIsTTY && env.TERM !== 'dumb';
}

/**
 * Colours for terminal output; plain text when NO_COLOR is set or stdout is not a terminal.
 * @public
 */
export const color = pc.createColors(colorsWanted(process.env, process.stdout.isTTY === true));

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

/** Eighths of a block, for bars finer than one character. */
const BAR_EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar `fraction` (0..1) of `width` characters long, in eighths of a character; never empty above 0. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8);
  const shown = fraction > 0 ? Math.max(1, eighths) : 0;
  return '█'.repeat(Math.floor(shown / 8)) + BAR_EIGHTHS[shown % 8];
}

/** A duration for people: `840 ms`, `1.2 s`, `3m 05s`. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1_000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/** A count with thousands separators (`12,345`), followed by `noun` in the singular or plural when given. */
export function count(n: number, noun?: string): string {
  const number = n.toLocaleString('en-US');
  return noun === undefined ? number : `${number} ${noun}${n === 1 ? '' : 's'}`;
}

/** A colour code (ESC [ … m), which terminals do not draw; kept as a group so that split keeps the codes. */
const ANSI = new RegExp(`(${String.fromCharCode(27)}\\[[0-9;]*m)`, 'g');

/** How many columns `text` takes, colour codes not counted. */
function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * `text` cut to `width` columns (ending in `…` when cut, colour codes kept whole), and with `pad` filled with spaces
 * to exactly `width`.
 */
export function clip(text: string, width: number, pad = false): string {
  const length = visibleLength(text);
  if (length <= width) return pad ? text + ' '.repeat(width - length) : text;
  let out = '';
  let shown = 0;
  for (const part of text.split(ANSI)) {
    if (part.charCodeAt(0) === 27) out += part;
    else {
      const room = width - 1 - shown;
      if (room <= 0) continue;
      out += part.slice(0, room);
      shown += Math.min(part.length, room);
    }
  }
  return `${out}…${color.reset('')}`;
}
