// The wire text of a relayed chunk: the upstream's own text with the public model id spliced in, without serialising.
const USAGE = '"usage":';
const USAGE_NULL = '"usage":null';

/**
 * Rewrites chunk wire texts (`ChatCompletionChunk[WIRE]`) as the relay rewrites the chunks: the model's pair
 * `"model":"<upstream id>"` becomes `"model":"<public id>"`, and the usage is `null` when the client asked for usage
 * (`stream_options.include_usage`) and absent otherwise. Returns undefined when the text cannot be rewritten exactly
 * (the pair written with spaces, or more than once; usage that is not null), for the chunk to be serialised instead.
 * The pair strings are kept between calls: a stream's chunks all name the same models.
 */
export function createWireSplicer(
  includeUsage: boolean,
): (text: string, from: string, to: string) => string | undefined {
  let fromModel = '';
  let fromPair = '';
  let toModel = '';
  let toPair = '';
  return (text, from, to) => {
    if (from !== fromModel) {
      fromModel = from;
      fromPair = `"model":${JSON.stringify(from)}`;
    }
    if (to !== toModel) {
      toModel = to;
      toPair = `"model":${JSON.stringify(to)}`;
    }
    const at = uniqueKey(text, fromPair);
    if (at === -1) return undefined;
    const out = from === to ? text : text.slice(0, at) + toPair + text.slice(at + fromPair.length);
    return withUsage(out, includeUsage);
  };
}

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
