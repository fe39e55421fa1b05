// How the CLI prints an answer: model output made safe for a terminal, the rows it takes, the redraw as markdown in
// place of the streamed text, the exact text anywhere else, and the status line.
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { answerWriter, statusLine, type AnswerTarget } from '../../../src/cli/answer-writer.js';
import { displayWidth, printable, rowsMoved } from '../../../src/cli/terminal-text.js';

/** A terminal (or a pipe, with `isTTY` false) that keeps what is written to it. */
function target(isTTY: boolean, columns = 80, rows = 24): AnswerTarget & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, rows, written, write: (text: string) => written.push(text) };
}

describe('terminal text', () => {
  it('strips escape sequences and control characters from model output, keeping newlines, tabs and letters', () => {
    const hostile =
      'a\u001b[2J\u001b[31mb\u001b]0;pwned\u0007c\u001b]8;;http://x\u001b\\d\re\u0007f\u009b\tg\nh é 日本';
    expect(printable(hostile)).toBe('abcdef\tg\nh é 日本');
  });

  it('counts the columns a line takes: wide characters two, combining marks none, tabs to the next stop', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('ab\tc')).toBe(9);
  });

  it('counts how many rows down the cursor went, with wrapped lines and the deferred wrap of a full row', () => {
    expect(rowsMoved('', 80)).toBe(0);
    expect(rowsMoved('abc', 80)).toBe(0);
    expect(rowsMoved('abc\n', 80)).toBe(1);
    expect(rowsMoved('a\n\nb', 80)).toBe(2);
    expect(rowsMoved('x'.repeat(80), 80)).toBe(0);
    expect(rowsMoved('x'.repeat(81), 80)).toBe(1);
    expect(rowsMoved(`${'x'.repeat(80)}\n`, 80)).toBe(1);
    expect(rowsMoved(`${'x'.repeat(161)}\ny`, 80)).toBe(3);
    expect(rowsMoved('日'.repeat(41), 80)).toBe(1);
  });
});

describe('answerWriter', () => {
  it('writes the exact text where stdout is not a terminal, and ends the line', async () => {
    const out = target(false);
    const writer = answerWriter(out);
    for (const piece of ['**Hi**', ' \u001b[31mthere']) writer.write(piece);
    await writer.finish();
    expect(out.written.join('')).toBe('**Hi** \u001b[31mthere\n');
  });

  it('on a terminal, streams the text, then goes back up over it and prints it rendered as markdown', async () => {
    const out = target(true, 12);
    const writer = answerWriter(out, true);
    const pieces = ['Some **bold** ', 'words\n\n- one\n- two'];
    for (const piece of pieces) writer.write(piece);
    const streamed = out.written.join('');
    expect(streamed).toContain(pieces.join(''));
    await writer.finish();
    const redraw = out.written.join('').slice(streamed.length);
    // 'Some **bold** words' wraps once at 12 columns: 2 rows, a blank one, '- one', then the cursor on '- two'.
    expect(redraw.startsWith('\r\u001b[4A\u001b[J')).toBe(true);
    const plain = stripVTControlCharacters(redraw);
    expect(plain.replace(/\s+/g, ' ')).toContain('Some bold words');
    expect(plain).not.toContain('**');
    expect(plain.endsWith('\n')).toBe(true);
  });

  it('leaves an answer taller than the screen as it streamed: its top is out of reach', async () => {
    const out = target(true, 80, 5);
    const writer = answerWriter(out, true);
    writer.write('**a**\n'.repeat(10));
    const streamed = out.written.join('');
    await writer.finish();
    expect(out.written.join('')).toBe(streamed);
  });

  it('ends the line of an answer stopped half-way, and redraws nothing', () => {
    const out = target(true);
    const writer = answerWriter(out, true);
    writer.write('Once upon');
    writer.stop();
    expect(out.written.join('').endsWith('Once upon\n')).toBe(true);
  });
});

describe('statusLine', () => {
  it('says who answered, after how many attempts, how fast and how many tokens', () => {
    const usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 };
    const info = { text: '', provider: 'alpha', model: 'alpha/alpha-chat', attempts: 2, cached: false, usage };
    expect(statusLine({ ...info, totalMs: 1234, firstTokenMs: 310 })).toBe(
      '↳ alpha/alpha-chat · 2 attempts · 1.2 s (first token 0.3 s) · 5+7 tokens',
    );
    expect(statusLine({ text: '', model: 'alpha/alpha-chat', attempts: 0, cached: true, totalMs: 20 })).toBe(
      '↳ cached answer of alpha/alpha-chat · 0.0 s',
    );
  });
});
