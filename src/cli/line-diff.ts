// A unified diff of two texts by lines (what `switchboard agent` shows before a write it asks to approve).

/** One line of a diff: kept (' '), removed ('-'), added ('+'), or a hunk header ('@'). */
export interface DiffLine {
  kind: ' ' | '-' | '+' | '@';
  text: string;
}

/** Above this many cells the middle of the texts is shown as all removed then all added, not aligned line by line. */
const MAX_TABLE_CELLS = 4_000_000;

/**
 * The changes from `before` to `after` as unified-diff hunks with `context` lines around each change (an empty list
 * when they are equal). Lines are aligned by a longest common subsequence after the common head and tail are cut.
 */
export function lineDiff(before: string, after: string, context = 3): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail])
    tail += 1;
  const ops: DiffLine[] = [
    ...a.slice(0, head).map((text) => ({ kind: ' ' as const, text })),
    ...alignMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail).map((text) => ({ kind: ' ' as const, text })),
  ];
  return hunks(ops, context);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The middle parts aligned by a longest common subsequence (dynamic programming over their lines). */
function alignMiddle(a: string[], b: string[]): DiffLine[] {
  const removed = a.map((text) => ({ kind: '-' as const, text }));
  const added = b.map((text) => ({ kind: '+' as const, text }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_TABLE_CELLS) return [...removed, ...added];
  const width = b.length + 1;
  // lcs[i * width + j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1)
    for (let j = b.length - 1; j >= 0; j -= 1)
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i]! });
      i += 1;
      j += 1;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) out.push(removed[i++]!);
    else out.push(added[j++]!);
  }
  return [...out, ...removed.slice(i), ...added.slice(j)];
}

/** The changed lines with `context` kept lines around them, each run headed `@@ -l,n +l,n @@` as diff(1) does. */
function hunks(ops: DiffLine[], context: number): DiffLine[] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  if (changed.length === 0) return [];
  const out: DiffLine[] = [];
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * context + 1) end += 1;
    const from = Math.max(0, changed[start]! - context);
    const to = Math.min(ops.length, changed[end]! + context + 1);
    out.push({ kind: '@', text: header(ops, from, to) }, ...ops.slice(from, to));
    start = end + 1;
  }
  return out;
}

function header(ops: DiffLine[], from: number, to: number): string {
  const count = (kind: '-' | '+', end: number) => ops.slice(0, end).filter((op) => op.kind !== kind).length;
  const oldStart = count('+', from);
  const newStart = count('-', from);
  const oldLines = count('+', to) - oldStart;
  const newLines = count('-', to) - newStart;
  const range = (startLine: number, lines: number) => `${lines === 0 ? startLine : startLine + 1},${lines}`;
  return `@@ -${range(oldStart, oldLines)} +${range(newStart, newLines)} @@`;
}
