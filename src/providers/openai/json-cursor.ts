// A strict reader over one JSON text, for the streamed chunk's fast path: values read in place, the rest checked and
// skipped, so that a text the reader accepts is one JSON.parse accepts too.

/** Past this depth of nesting the reader gives up (the caller falls back to JSON.parse). */
const MAX_DEPTH = 64;

/**
 * A position in a JSON text and the readers of the values found there. Every reader returns a failure value
 * (undefined, NaN or false) instead of throwing, when the text is not JSON or not of the kind asked for: the caller
 * then leaves the text to JSON.parse. Whitespace is JSON's, less the line feed (a chunk written over several lines
 * cannot be relayed as one data line).
 */
export class JsonCursor {
  at = 0;

  constructor(readonly text: string) {}

  /** Skips whitespace; returns the character code there (NaN at the end). */
  peek(): number {
    const { text } = this;
    let at = this.at;
    let c = text.charCodeAt(at);
    while (c === 0x20 || c === 0x09 || c === 0x0d) c = text.charCodeAt(++at);
    this.at = at;
    return c;
  }

  /** Takes `code` (after whitespace): false when something else is there. */
  take(code: number): boolean {
    if (this.peek() !== code) return false;
    this.at++;
    return true;
  }

  /** Whether only whitespace is left. */
  atEnd(): boolean {
    this.peek();
    return this.at === this.text.length;
  }

  /** Where the last key read starts, and its length. */
  private keyStart = 0;
  private keyLength = 0;

  /**
   * Reads an object key up to the next quote and the `:` after it (then keyIs says which it is); false when there is
   * none. A key the caller does not know must be checked with keyIsValid: its text may hold escapes.
   */
  key(): boolean {
    if (!this.take(0x22)) return false;
    const start = this.at;
    const end = this.text.indexOf('"', start);
    if (end === -1) return false;
    this.keyStart = start;
    this.keyLength = end - start;
    this.at = end + 1;
    return this.take(0x3a);
  }

  /**
   * Whether the last key read is a whole JSON string (the quote it ended at is not an escaped one); keyIs needs no
   * such check, since a name matched there has no backslash.
   */
  keyIsValid(): boolean {
    return this.stringEnd(this.keyStart - 1) === this.keyStart + this.keyLength;
  }

  /** Whether the last key read is `name`. */
  keyIs(name: string): boolean {
    const start = this.keyStart;
    // Length and first character first: most keys are told apart there.
    if (this.keyLength !== name.length || this.text.charCodeAt(start) !== name.charCodeAt(0)) return false;
    return this.has(name, start);
  }

  /** Whether `word` is written at `at` (String.prototype.startsWith costs several times more in this loop). */
  private has(word: string, at: number): boolean {
    const { text } = this;
    for (let i = 0; i < word.length; i++) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  /** A string value, decoded; undefined when the value is not a string. */
  string(): string | undefined {
    if (this.peek() !== 0x22) return undefined;
    const start = this.at;
    const end = this.stringEnd(start);
    if (end === -1) return undefined;
    this.at = end + 1;
    // Escapes (\" \\ \uXXXX, surrogate pairs and all) are JSON.parse's to decode: the text is known to be valid.
    return this.escaped ? (JSON.parse(this.text.slice(start, end + 1)) as string) : this.text.slice(start + 1, end);
  }

  /** Whether the last string read had escapes. */
  private escaped = false;

  /** Where the string opening at `start` closes, checking its escapes; -1 if it is not a valid JSON string. */
  private stringEnd(start: number): number {
    const { text } = this;
    this.escaped = false;
    for (let i = start + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return i;
      if (c < 0x20) return -1;
      if (c !== 0x5c) continue;
      this.escaped = true;
      const next = text.charCodeAt(++i);
      if (next === 0x75) {
        for (let k = 1; k <= 4; k++) if (!isHex(text.charCodeAt(i + k))) return -1;
        i += 4;
      } else if (!isEscape(next)) return -1;
    }
    return -1;
  }

  /** A number value; NaN when the value is not a JSON number. */
  number(): number {
    this.peek();
    const { text } = this;
    const start = this.at;
    let i = start;
    let c = text.charCodeAt(i);
    if (c === 0x2d) c = text.charCodeAt(++i);
    if (!isDigit(c)) return Number.NaN;
    if (c === 0x30) c = text.charCodeAt(++i);
    else while (isDigit(c)) c = text.charCodeAt(++i);
    let simple = text.charCodeAt(start) !== 0x2d;
    if (c === 0x2e) {
      simple = false;
      c = text.charCodeAt(++i);
      if (!isDigit(c)) return Number.NaN;
      while (isDigit(c)) c = text.charCodeAt(++i);
    }
    if (c === 0x65 || c === 0x45) {
      simple = false;
      c = text.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
      if (!isDigit(c)) return Number.NaN;
      while (isDigit(c)) c = text.charCodeAt(++i);
    }
    this.at = i;
    if (!simple || i - start > 15) return Number(text.slice(start, i));
    let value = 0;
    for (let k = start; k < i; k++) value = value * 10 + (text.charCodeAt(k) - 0x30);
    return value;
  }

  /** Takes `null` (after whitespace): false when something else is there. */
  null(): boolean {
    if (this.peek() !== 0x6e || !this.has('null', this.at)) return false;
    this.at += 4;
    return true;
  }

  /** Skips any value, checking it is valid JSON; false when it is not. */
  skip(depth = 0): boolean {
    const c = this.peek();
    if (c === 0x22) {
      const end = this.stringEnd(this.at);
      this.at = end + 1;
      return end !== -1;
    }
    if (c === 0x7b || c === 0x5b) return depth < MAX_DEPTH && this.skipNested(c === 0x7b, depth + 1);
    if (c === 0x74) return this.word('true');
    if (c === 0x66) return this.word('false');
    if (c === 0x6e) return this.null();
    return !Number.isNaN(this.number());
  }

  /** Skips an object or an array (the cursor on its opening character). */
  private skipNested(object: boolean, depth: number): boolean {
    this.at++;
    const close = object ? 0x7d : 0x5d;
    if (this.take(close)) return true;
    do {
      if (object) {
        if (this.peek() !== 0x22 || !this.skip(depth) || !this.take(0x3a)) return false;
      }
      if (!this.skip(depth)) return false;
    } while (this.take(0x2c));
    return this.take(close);
  }

  private word(word: string): boolean {
    if (!this.has(word, this.at)) return false;
    this.at += word.length;
    return true;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** The characters after a backslash that JSON allows, `u` aside: `" \ / b f n r t`. */
function isEscape(c: number): boolean {
  return c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;
}
