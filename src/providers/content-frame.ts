// A streamed chunk's text around its content: most chunks of a stream differ from the one before only in their text.

/** `head` ends with the opening quote of the content's JSON string, `tail` starts with its closing quote. */
export interface ContentFrame {
  readonly head: string;
  readonly tail: string;
}

const KEY = '"content":"';

/**
 * The frame of `text` (a chunk's JSON) around `content`, when the first `"content":"` of `text` holds `content` as it
 * is, with nothing escaped; undefined otherwise. Which field that string is, the caller must check.
 */
export function contentFrame(text: string, content: string): ContentFrame | undefined {
  if (!isPlainContent(content)) return undefined;
  const at = text.indexOf(KEY);
  if (at === -1) return undefined;
  const start = at + KEY.length;
  const end = start + content.length;
  if (text.charCodeAt(end) !== 0x22 || !text.startsWith(content, start)) return undefined;
  return { head: text.slice(0, start), tail: text.slice(end) };
}

/** What `text` holds between `frame`'s head and tail, when it is so framed and holds nothing JSON escapes. */
export function framedContent(frame: ContentFrame, text: string): string | undefined {
  const { head, tail } = frame;
  const end = text.length - tail.length;
  if (end < head.length || text.slice(0, head.length) !== head || text.slice(end) !== tail) return undefined;
  const content = text.slice(head.length, end);
  return isPlainContent(content) ? content : undefined;
}

/** Whether `text` is `frame`'s with `content` written as it is (content that JSON writes without escapes). */
export function fitsFrame(frame: ContentFrame, text: string, content: string): boolean {
  const { head, tail } = frame;
  const at = head.length + content.length;
  return (
    text.length === at + tail.length &&
    // Equality of slices, not startsWith: V8 compares those a character at a time, at twice the cost.
    text.slice(0, head.length) === head &&
    text.slice(at) === tail &&
    text.slice(head.length, at) === content &&
    isPlainContent(content)
  );
}

/** No character that a JSON string holds only escaped: quote, backslash, control characters. */
function isPlainContent(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 0x20 || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}
