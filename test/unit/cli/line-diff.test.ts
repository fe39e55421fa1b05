// The unified diff `switchboard agent` shows before a write: hunks, context, headers as diff(1) writes them.
import { describe, expect, it } from 'vitest';
import { lineDiff, type DiffLine } from '../../../src/cli/line-diff.js';

/** The diff as diff -u prints its hunks. */
const text = (lines: DiffLine[]) => lines.map((l) => (l.kind === '@' ? l.text : `${l.kind}${l.text}`)).join('\n');

describe('lineDiff', () => {
  it('is empty for equal texts', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('shows a new file as all added', () => {
    expect(text(lineDiff('', 'one\ntwo\n'))).toBe('@@ -0,0 +1,2 @@\n+one\n+two');
  });

  it('aligns the lines that stay, with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10'].join('\n');
    expect(text(lineDiff(before, after))).toBe(
      ['@@ -2,8 +2,9 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ' 9', '+10'].join('\n'),
    );
  });

  it('splits changes far apart into separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...before];
    after[1] = 'changed 2';
    after[17] = 'changed 18';
    const hunks = lineDiff(before.join('\n'), after.join('\n')).filter((l) => l.kind === '@');
    expect(hunks.map((h) => h.text)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  });

  it('keeps lines moved around a removal in order', () => {
    expect(text(lineDiff('a\nb\nc\nd\n', 'a\nc\nb\nd\n'))).toBe('@@ -1,4 +1,4 @@\n a\n-b\n c\n+b\n d');
  });
});
