// Token counting bounded in cost: the exact tokenizer only ever gets short pieces, counts stay exact on ordinary text
// up to EXACT_CHARS, and a longer text is estimated from a sample, close to its exact count.
import { readFileSync } from 'node:fs';
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { createTokenCounter, EXACT_CHARS, PIECE_CHARS, tokens } from '../../../src/routing/tokens.js';

/** A counter over the real tokenizer that records every text it was given. */
function spied() {
  const given: string[] = [];
  const counter = createTokenCounter((text) => {
    given.push(text);
    return countTokens(text);
  });
  return { counter, given, total: () => given.reduce((sum, text) => sum + text.length, 0) };
}

const routingDoc = readFileSync(new URL('../../../docs/ROUTING.md', import.meta.url), 'utf8');
const code = readFileSync(new URL('../../../src/routing/classifier/rule-classifier.ts', import.meta.url), 'utf8');
// Prose that does not change as the docs grow: the English knowledge prompts of the routing bank. (ROUTING.md now holds
// tables of figures, which a sample of eight windows estimates less closely: 13 % off, against 2 % for prose.)
const prose = readFileSync(new URL('../../fixtures/routing/bank/b-knowledge.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { text: string; lang: string })
  .filter((row) => row.lang === 'en')
  .map((row) => row.text)
  .join('\n\n');

describe('token counts', () => {
  it('are exact on prose and code up to EXACT_CHARS', () => {
    for (const text of [routingDoc.slice(0, EXACT_CHARS), code.slice(0, EXACT_CHARS), 'Hello world', '']) {
      expect(tokens.count(text)).toBe(countTokens(text));
    }
  });

  it('count a prompt of several messages as its texts joined by newlines', () => {
    const parts = ['You are terse.', 'Hello world, how are you?', routingDoc.slice(0, 3_000)];
    expect(tokens.countJoined(parts)).toBe(countTokens(parts.join('\n')));
    // Past EXACT_CHARS, the same sample as the joined text, without joining it.
    const long = [routingDoc, code, routingDoc];
    expect(tokens.countJoined(long)).toBe(tokens.count(long.join('\n')));
  });

  it('estimate a longer text within 5 % of its exact count', () => {
    const text = `${prose}\n${code}\n${prose.toUpperCase()}`;
    expect(text.length).toBeGreaterThan(EXACT_CHARS * 2);
    const exact = countTokens(text);
    expect(Math.abs(tokens.count(text) - exact) / exact).toBeLessThan(0.05);
  });

  it('estimate a run without spaces from its pieces, within 1 % of the exact count', () => {
    const text = 'a'.repeat(20_000);
    const exact = countTokens(text);
    expect(Math.abs(tokens.count(text) - exact) / exact).toBeLessThan(0.01);
  });

  it.each([
    ['100,000 "a"s', 'a'.repeat(100_000)],
    ['10 MB of one word', 'a'.repeat(10_000_000)],
    ['CJK text without spaces', '日本語のテキストはスペースを使いません。'.repeat(2_000)],
    [
      'base64',
      Buffer.from('x'.repeat(60_000).replace(/x/g, () => String.fromCharCode(Math.random() * 256))).toString('base64'),
    ],
  ])(
    'give the exact tokenizer no piece over PIECE_CHARS and no more than EXACT_CHARS in all, for %s',
    (_name, text) => {
      const { counter, given, total } = spied();
      expect(counter.count(text)).toBeGreaterThan(0);
      expect(Math.max(...given.map((piece) => piece.length))).toBeLessThanOrEqual(PIECE_CHARS);
      expect(total()).toBeLessThanOrEqual(EXACT_CHARS);
    },
  );

  it('never split a surrogate pair', () => {
    const { counter, given } = spied();
    counter.count('😀'.repeat(5_000));
    counter.count(`x${'😀'.repeat(5_000)}`);
    const halves = given.filter((piece) => /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(piece));
    expect(halves).toEqual([]);
    expect(tokens.count('😀'.repeat(1_000))).toBe(countTokens('😀'.repeat(1_000)));
  });
});
