// The wire text of a relayed chunk: the upstream's own text with the public model id spliced in, without serialising.
import { type ContentFrame, contentFrame, fitsFrame } from '../../src/providers/content-frame.js';
const USAGE = '"usage":';
const USAGE_NULL = '"usage":null';

/**
 * Rewrites a chunk's wire text for the client: the public model id in, usage as asked; undefined when it cannot.
 * `read` is the chunk's `FRAME`: the frame the stream's reader took the text by (the text is its head, `content`
 * and its tail).
 */
export type WireSplicer = (
  text: string,
  from: string,
  to: string,
  content?: string | null,
  read?: ContentFrame,
) => string | undefined;

/** Frames learnt past those that served a chunk: a stream whose chunks differ in more than their text stops learning. */
const SPARE_FRAMES = 2;

/**
 * Rewrites chunk wire texts (`ChatCompletionChunk[WIRE]`) as the relay rewrites the chunks: the model's pair
 * `"model":"<upstream id>"` becomes `"model":"<public id>"`, and the usage is `null` when the client asked for usage
 * (`stream_options.include_usage`) and absent otherwise. Returns undefined when the text cannot be rewritten exactly
 * (the pair written with spaces, or more than once; usage that is not null), for the chunk to be serialised instead.
 * The pair strings are kept between calls: a stream's chunks all name the same models. Given the chunk's `content`
 * (its first choice's), a text that is the last learnt frame's (see ContentFrame) with that content written as it is
 * gets the frame's rewrite with the content in it, without searching the text: neither pair can reach into a string
 * that holds no quote, so rewriting the frame around any such content rewrites the text. A text the reader took by
 * its frame (`read`) is so already, proven by the reader: it gets that frame's rewrite without being compared again.
 */
export function createWireSplicer(includeUsage: boolean): WireSplicer {
  let fromModel = '';
  let fromPair = '';
  let toModel = '';
  let toPair = '';
  let frame: ContentFrame | undefined;
  /** The frame rewritten (null: its texts cannot be), for the models in `fromPair` and `toPair` when learnt. */
  let rewritten: ContentFrame | null = null;
  let served = 0;
  let learnt = 0;
  /** The reader's last frame, and its rewrite (null: its texts cannot be), for the models of `fromPair` and `toPair`. */
  let readFrame: ContentFrame | undefined;
  let readRewritten: ContentFrame | null = null;
  const rewrite = (text: string) => {
    const at = uniqueKey(text, fromPair);
    if (at === -1) return undefined;
    const out = fromModel === toModel ? text : text.slice(0, at) + toPair + text.slice(at + fromPair.length);
    return withUsage(out, includeUsage);
  };
  return (text, from, to, content, read) => {
    if (from !== fromModel || to !== toModel) frame = readFrame = undefined;
    if (from !== fromModel) {
      fromModel = from;
      fromPair = `"model":${JSON.stringify(from)}`;
    }
    if (to !== toModel) {
      toModel = to;
      toPair = `"model":${JSON.stringify(to)}`;
    }
    if (typeof content !== 'string') return rewrite(text);
    // The length guards against a text changed without its FRAME being let go.
    if (read !== undefined && text.length === read.head.length + content.length + read.tail.length) {
      if (read !== readFrame) {
        readFrame = read;
        readRewritten = rewriteFrame(read, rewrite);
      }
      return readRewritten === null ? undefined : readRewritten.head + content + readRewritten.tail;
    }
    if (frame !== undefined && fitsFrame(frame, text, content)) {
      served += 1;
      return rewritten === null ? undefined : rewritten.head + content + rewritten.tail;
    }
    const out = rewrite(text);
    const learning = learnt <= served + SPARE_FRAMES ? contentFrame(text, content) : undefined;
    if (learning !== undefined) {
      learnt += 1;
      frame = learning;
      rewritten = rewriteFrame(learning, rewrite);
    }
    return out;
  };
}

/** `frame` rewritten, found by rewriting its text around a mark that no pair holds; null when it cannot be. */
function rewriteFrame(frame: ContentFrame, rewrite: (text: string) => string | undefined): ContentFrame | null {
  const out = rewrite(`${frame.head}${MARK}${frame.tail}`);
  if (out === undefined) return null;
  const at = out.indexOf(MARK);
  return { head: out.slice(0, at), tail: out.slice(at + MARK.length) };
}

/** Never in a chunk's JSON text (a control character), nor in either pair. */
const MARK = '\u0001';

/** Where `pair` starts as a key of an object (after `{` or `,`), when it is there exactly once; otherwise -1. */
function uniqueKey(text: string, pair: string): number {
  const at = text.indexOf(pair);
  if (at <= 0 || text.indexOf(pair, at + pair.length) !== -1) return -1;
  const before = text.charCodeAt(at - 1);
  return before === 0x2c || before === 0x7b ? at : -1;
}

/** `text` (an object's JSON) with `"usage":null` when `include`, without usage otherwise; undefined if it has other usage. */
function withUsage(text: string, include: boolean): string | undefined {
  const at = text.indexOf(USAGE);
  if (at === -1) return include ? `${text.slice(0, -1)},${USAGE_NULL}}` : text;
  if (!text.startsWith(USAGE_NULL, at) || text.indexOf(USAGE, at + USAGE.length) !== -1) return undefined;
  const before = text.charCodeAt(at - 1);
  if (before !== 0x2c && before !== 0x7b) return undefined;
  if (include) return text;
  const end = at + USAGE_NULL.length;
  if (before === 0x2c) return text.slice(0, at - 1) + text.slice(end);
  return text.charCodeAt(end) === 0x2c ? text.slice(0, at) + text.slice(end + 1) : undefined;
}
