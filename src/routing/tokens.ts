// Token counts that never block the process: the exact tokenizer only ever sees short pieces, and a long text is
// counted from a sample of it.
//
// gpt-tokenizer's cost grows with the square of a run of text without spaces (100,000 "a"s took 22 s, 10 MB minutes,
// every request of the process waiting meanwhile), and runs at 1 to 4 µs a token on text it has not seen. So: pieces of
// at most PIECE_CHARS, cut where a word starts (the tokenizer splits there too, so a cut changes nothing) or, in a
// run without spaces, anywhere; and past EXACT_CHARS, SAMPLES evenly spread windows stand for the whole text.
import { countTokens } from 'gpt-tokenizer';

/** The longest text the exact tokenizer is given at once. */
export const PIECE_CHARS = 256;
/** Texts up to this length are counted whole (at worst some 30 ms); longer ones from a sample of this many characters. */
export const EXACT_CHARS = 8_192;
const SAMPLES = 8;

/** Counts the tokens of texts, bounded in cost; `exact` (the real tokenizer) is only given short pieces. */
export interface TokenCounter {
  /** The tokens of `text`. */
  count(text: string): number;
  /** The tokens of `parts` joined by newlines (a prompt's messages), without building the joined text. */
  countJoined(parts: readonly string[]): number;
}

export function createTokenCounter(exact: (text: string) => number): TokenCounter {
  const countJoined = (parts: readonly string[]): number => {
    const length = parts.reduce((sum, part) => sum + part.length, Math.max(0, parts.length - 1));
    if (length <= EXACT_CHARS) return countPieces(parts.join('\n'), exact);
    const window = EXACT_CHARS / SAMPLES;
    const stride = (length - window) / (SAMPLES - 1);
    let tokens = 0;
    let chars = 0;
    for (let k = 0; k < SAMPLES; k++) {
      const from = Math.floor(k * stride);
      const sample = whole(sliceJoined(parts, from, from + window));
      tokens += countPieces(sample, exact);
      chars += sample.length;
    }
    return chars === 0 ? 0 : Math.round((tokens * length) / chars);
  };
  return { count: (text) => countJoined([text]), countJoined };
}

/** The gateway's token counter: exact up to EXACT_CHARS (in short pieces), estimated from a sample above. */
export const tokens = createTokenCounter(countTokens);

/** The tokens of `text`, counted in pieces of at most PIECE_CHARS. */
function countPieces(text: string, exact: (text: string) => number): number {
  let total = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    if (end < text.length) end = cutBefore(text, start, end);
    total += exact(text.slice(start, end));
    start = end;
  }
  return total;
}

/**
 * Where to end a piece that would end at `end`: before the last space between two non-spaces (" word", " (" or " 42"
 * start there for the tokenizer too, whatever precedes); else where no surrogate pair is split. Newlines are no place
 * to cut: the tokenizer joins them to the punctuation before them (",\n" is one token).
 */
function cutBefore(text: string, start: number, end: number): number {
  for (let i = end - 1; i > start; i--) {
    if (text.charCodeAt(i) === 32 && !isSpace(text.charCodeAt(i + 1)) && !isSpace(text.charCodeAt(i - 1))) return i;
  }
  return isLowSurrogate(text.charCodeAt(end)) ? end - 1 : end;
}

/** Characters [from, to) of `parts` joined by newlines (slices of the parts: a part itself is never copied whole). */
function sliceJoined(parts: readonly string[], from: number, to: number): string {
  let out = '';
  let at = 0;
  for (const [i, part] of parts.entries()) {
    const separator = i < parts.length - 1 ? 1 : 0;
    const end = at + part.length + separator;
    if (end > from && at < to) {
      out += part.slice(Math.max(0, from - at), Math.min(part.length, to - at));
      if (separator === 1 && from <= at + part.length && to > at + part.length) out += '\n';
    }
    if (end >= to) break;
    at = end;
  }
  return out;
}

/** `text` without a half surrogate pair at either end (a sample cut through one). */
function whole(text: string): string {
  const start = isLowSurrogate(text.charCodeAt(0)) ? 1 : 0;
  const last = text.charCodeAt(text.length - 1);
  return text.slice(start, last >= 0xd800 && last <= 0xdbff ? -1 : text.length);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}
