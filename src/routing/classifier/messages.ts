// Message helpers for the classifier: the text of a message, its length without building it, and the part of a long
// text worth reading (instructions sit at the start or the end of a prompt, rarely in the middle of a pasted document).
import type { ChatMessage } from '../../providers/types.js';

/** The text of a message: its string content, or its text parts joined by newlines (images and the rest left out). */
export function contentText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  if (content.length === 1) return content[0]!.type === 'text' ? content[0]!.text : '';
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** The length of `contentText(message)`, without building it. */
export function contentLength(message: ChatMessage): number {
  const { content } = message;
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let length = content.length - 1;
  for (const part of content) if (part.type === 'text') length += part.text.length;
  return Math.max(0, length);
}

/** Whether the message carries an image. */
export function hasImage(message: ChatMessage): boolean {
  const { content } = message;
  if (!Array.isArray(content)) return false;
  for (const part of content) if (part.type === 'image_url') return true;
  return false;
}

/** The first `head` characters of `text` and its last `tail`, or all of it when that is no longer. */
export function textWindow(text: string, head: number, tail: number): string {
  if (text.length <= head + tail) return text;
  return tail > 0 ? `${text.slice(0, head)}\n${text.slice(-tail)}` : text.slice(0, head);
}

/** Where quoted material starts after an instruction: `Summarize this: "...`, `What does it say? '...`. */
const QUOTE_AFTER_ASK = /[:?.!]\s*["“«'‘]/;

/**
 * Splits a message into the ask and the material it is about, so that a pasted passage cannot outvote its instruction.
 * Material starts after a first line that ends in `:` or is followed by a blank line, or at a quote opened after
 * `:` or `?` near the start. Otherwise a short message is all ask, and in a long one the first line and the last (or,
 * in one long line, its first `head` and last `tail` characters) are the ask and the middle is material.
 */
export function splitAsk(text: string, head: number, tail: number): [ask: string, material: string] {
  const newline = text.indexOf('\n');
  const quote = QUOTE_AFTER_ASK.exec(text.length > head ? text.slice(0, head) : text);
  if (quote !== null && (newline < 0 || quote.index < newline))
    return [text.slice(0, quote.index + 1), text.slice(quote.index + 1)];
  if (newline > 0 && newline <= head) {
    const first = text.slice(0, newline).trimEnd();
    if (first.endsWith(':') || text.charCodeAt(newline + 1) === 10) return [first, text.slice(newline + 1)];
  }
  if (text.length <= head + tail) return [text, ''];
  if (newline > 0 && newline <= head) {
    const last = text.lastIndexOf('\n');
    if (last > newline && text.length - last <= tail)
      return [`${text.slice(0, newline)}\n${text.slice(last + 1)}`, text.slice(newline + 1, last)];
    return [text.slice(0, newline), text.slice(newline + 1)];
  }
  return [`${text.slice(0, head)}\n${text.slice(-tail)}`, text.slice(head, -tail)];
}
