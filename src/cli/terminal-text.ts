// Text headed for a terminal: model output made safe to print, and how many screen rows text takes (to redraw it).

/**
 * ESC and CSI sequences, and every other control character except newline and tab. A model's answer must not move the
 * cursor, retitle the window or hide text (terminal escape injection), so none of it reaches a terminal.
 */
// biome-ignore-start lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b.?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// biome-ignore-end lint/suspicious/noControlCharactersInRegex: matching control characters is the point

/** `text` without escape sequences and control characters (newlines and tabs kept). */
export function printable(text: string): string {
  return text.replace(CONTROL, '');
}

/** Characters a terminal draws two columns wide: CJK, Hangul, full-width forms, most emoji (an approximation). */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
/** Characters that take no column: combining marks (variation selectors among them), zero-width spaces and joiners. */
const ZERO = /\p{M}|[\u200b-\u200f]/u;

/** How many columns `line` (printable, no newline) takes, tabs expanded to 8-column stops. */
export function displayWidth(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === '\t') width += 8 - (width % 8);
    else if (ZERO.test(char)) continue;
    else width += WIDE.test(char) ? 2 : 1;
  }
  return width;
}

/**
 * How many rows the cursor has moved down since printing `text` began at the start of a row, on a terminal
 * `columns` wide: each full line takes its wrapped rows; the last (unfinished) line adds its wraps. A line exactly
 * `columns` wide leaves the cursor on its own row (terminals defer the wrap), so it counts as one row.
 */
export function rowsMoved(text: string, columns: number): number {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const rows = (line: string) => Math.max(1, Math.ceil(displayWidth(line) / columns));
  return lines.reduce((sum, line) => sum + rows(line), 0) + rows(last) - 1;
}
