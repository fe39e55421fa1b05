// The relay's wire splicer with frames (a text that is the last one's but for its content gets the last rewrite with
// the content in it) against the splicer that searches every text, differentially: over generated streams read by
// the OpenAI stream reader, with public ids of every kind, a rename mid-stream (a continuation) and usage asked or not;
// and with the reader's frames (`FRAME`), which the splicer trusts without comparing the text again.
import { describe, expect, it } from 'vitest';
import { createWireSplicer } from '../../../../graphs/chat/wire.js';
import { FRAME, WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import { seededRandom } from '../../../../src/routing/seeded-random.js';
import { chunksOf, chunkWith, generatedStream } from '../../../helpers/generated-chunks.js';

const PUBLIC = ['p/m-1', 'm-1', 'o/"quoted"', 'p/back\\slash', 'p/ünï', 'p/content'];

/**
 * What each splicer makes of each chunk's wire text: `search` passes the text alone, `framed` the content too, `read`
 * the reader's frame as well, as the relay does.
 */
function spliced(
  chunks: ChatCompletionChunk[],
  includeUsage: boolean,
  given: 'search' | 'framed' | 'read',
  next: () => number,
) {
  const splice = createWireSplicer(includeUsage);
  let to = PUBLIC[Math.floor(next() * PUBLIC.length)]!;
  return chunks.map((chunk) => {
    if (next() < 0.03) to = PUBLIC[Math.floor(next() * PUBLIC.length)]!;
    const wire = chunk[WIRE];
    if (wire === undefined) return undefined;
    if (given === 'search') return splice(wire, chunk.model, to);
    const content = chunk.choices[0]?.delta.content;
    return given === 'framed'
      ? splice(wire, chunk.model, to, content)
      : splice(wire, chunk.model, to, content, chunk[FRAME]);
  });
}

/**
 * Splices 5,000 generated streams both by searching every text and as `given` says, checks that they agree, and
 * returns how many texts were spliced and how many chunks carried the reader's frame.
 */
async function agreeOnGeneratedStreams(seed: number, given: 'framed' | 'read') {
  const next = seededRandom(seed);
  let spliceable = 0;
  let readFrames = 0;
  for (let run = 0; run < 5_000; run++) {
    const chunks = await chunksOf(generatedStream(next));
    const includeUsage = next() < 0.5;
    const splicing = Math.floor(next() * 1e9);
    const expected = spliced(chunks, includeUsage, 'search', seededRandom(splicing));
    const actual = spliced(chunks, includeUsage, given, seededRandom(splicing));
    expect(actual, JSON.stringify(chunks.map((c) => c[WIRE]))).toEqual(expected);
    spliceable += actual.filter((text) => text !== undefined).length;
    readFrames += chunks.filter((chunk) => chunk[FRAME] !== undefined).length;
  }
  return { spliceable, readFrames };
}

describe('the wire splicer with frames against searching every text', () => {
  it('rewrites 5,000 generated streams alike, usage asked for or not', async () => {
    expect((await agreeOnGeneratedStreams(11, 'framed')).spliceable).toBeGreaterThan(10_000);
  });

  it("rewrites 5,000 generated streams alike by the reader's frames", async () => {
    expect((await agreeOnGeneratedStreams(12, 'read')).readFrames).toBeGreaterThan(5_000);
  });

  it("does not trust a reader's frame that no longer fits the text", async () => {
    const chunks = await chunksOf(generatedStream(seededRandom(5)));
    const framed = chunks.find((chunk) => chunk[FRAME] !== undefined);
    expect(framed).toBeDefined();
    const chunk = framed!;
    const content = chunk.choices[0]!.delta.content!;
    // The text changed (an escape in the content) without its frame let go.
    chunk.choices[0]!.delta.content = `${content}"`;
    const text = chunk[WIRE]!.replace(`"content":"${content}"`, `"content":${JSON.stringify(`${content}"`)}`);
    const splice = createWireSplicer(false);
    const out = splice(text, chunk.model, 'p/m', chunk.choices[0]!.delta.content, chunk[FRAME]);
    expect(out).toBe(createWireSplicer(false)(text, chunk.model, 'p/m'));
    expect(JSON.parse(out!).choices[0].delta.content).toBe(`${content}"`);
  });

  it('rewrites a plain stream by its frame, renamed mid-stream', () => {
    const texts = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify(chunkWith(1, `tok ${i}`, { role: false, finish: null, id: 'chatcmpl-a' })),
    );
    const splice = createWireSplicer(false);
    const out = texts.map((text, i) => splice(text, 'm-1', i < 5 ? 'p/m-1' : 'q/m-2', `tok ${i}`));
    expect(out).toEqual(
      texts.map((text, i) =>
        text.replace('"model":"m-1"', `"model":"${i < 5 ? 'p/m-1' : 'q/m-2'}"`).replace(',"usage":null', ''),
      ),
    );
  });
});
