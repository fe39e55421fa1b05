// Decodes a body's reads as UTF-8 text, as a streaming TextDecoder does, at a fraction of its cost.

/**
 * A streaming UTF-8 decoder giving what `new TextDecoder()` gives with `decode(bytes, { stream: true })` for each read
 * and `decode()` at the end: malformed bytes replaced alike, a leading byte order mark dropped, a character split
 * across reads kept whole. TextDecoder goes through ICU, a large share of a relayed stream's instructions; this decodes
 * with Buffer's own UTF-8 decoding, which replaces malformed bytes as TextDecoder does. A read is cut before a
 * character that it does not hold whole, and that character's bytes are held for the next read: a cut before a byte
 * that starts a character (never a continuation byte) leaves the decoding of either side as it would be whole (the
 * differential tests in test/unit/providers/utf8-reads.test.ts).
 */
export class Utf8Reads {
  private held: Buffer | undefined;
  private atStart = true;

  /** The text of `bytes`, without the bytes of a character the read does not hold whole (held for the next). */
  decode(bytes: Uint8Array): string {
    let buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.held !== undefined) {
      buffer = Buffer.concat([this.held, buffer]);
      this.held = undefined;
    }
    const whole = wholeLength(buffer);
    if (whole < buffer.length) this.held = Buffer.from(buffer.subarray(whole));
    return this.started(buffer.toString('utf8', 0, whole));
  }

  /** The text of the bytes still held (a character cut short by the end, replaced). */
  end(): string {
    const held = this.held;
    this.held = undefined;
    return held === undefined ? '' : this.started(held.toString('utf8'));
  }

  /** `text` without a byte order mark at the very start of the stream. */
  private started(text: string): string {
    if (!this.atStart || text === '') return text;
    this.atStart = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/**
 * The length of `bytes` without its last character when that one is cut short and may yet be whole: its first byte
 * is among the last three, announces more bytes than follow it, and what follows it is what a character starting
 * with it may hold (TextDecoder's ranges: a byte that cannot be a character's start, or cannot follow, is replaced at
 * once, not held). Bytes 0x80 to 0xBF continue a character.
 */
function wholeLength(bytes: Buffer): number {
  const length = bytes.length;
  for (let at = length - 1; at >= 0 && at >= length - 3; at--) {
    const byte = bytes[at]!;
    if (byte < 0x80) return length;
    if (byte < 0xc0) continue;
    if (byte < 0xc2 || byte > 0xf4) return length;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    if (length - at >= size) return length;
    if (at + 1 < length && !canFollow(byte, bytes[at + 1]!)) return length;
    return at;
  }
  return length;
}

/** Whether `second` may follow `first` in a character (no overlong forms, surrogates or code points past U+10FFFF). */
function canFollow(first: number, second: number): boolean {
  if (first === 0xe0) return second >= 0xa0;
  if (first === 0xed) return second <= 0x9f;
  if (first === 0xf0) return second >= 0x90;
  if (first === 0xf4) return second <= 0x8f;
  return true;
}
