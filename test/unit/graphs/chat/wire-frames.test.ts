// The relay's wire splicer with frames (a text that is the last one's but for its content gets the last rewrite with
// the content in it) against the splicer that searches every text, differentially: over generated streams read by
// the OpenAI stream reader, with public ids of every kind, a rename mid-stream (a continuation) and usage asked or not.
import { describe, expect, it } from 'vitest';
import { createWireSplicer } from '../../../../graphs/chat/wire.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import { seededRandom } from '../../../../src/routing/seeded-random.js';
import { chunksOf, chunkWith, generatedStream } from '../../../helpers/generated-chunks.js';

const PUBLIC = ['p/m-1', 'm-1', 'o/"quoted"', 'p/back\\slash', 'p/ünï', 'p/content'];

/** What each splicer makes of each chunk's wire text; `framed` passes the content, as the relay does. */
function spliced(chunks: ChatCompletionChunk[], includeUsage: boolean, framed: boolean, next: () => number) {
  const splice = createWireSplicer(includeUsage);
  let to = PUBLIC[Math.floor(next() * PUBLIC.length)]!;
  return chunks.map((chunk) => {
    if (next() < 0.03) to = PUBLIC[Math.floor(next() * PUBLIC.length)]!;
    const wire = chunk[WIRE];
    if (wire === undefined) return undefined;
    return framed ? splice(wire, chunk.model, to, chunk.choices[0]?.delta.content) : splice(wire, chunk.model, to);
  });
}

describe('the wire splicer with frames against searching every text', () => {
  it('rewrites 5,000 generated streams alike, usage asked for or not', async () => {
    const next = seededRandom(11);
    let framedTexts = 0;
    for (let run = 0; run < 5_000; run++) {
      const chunks = await chunksOf(generatedStream(next));
      const includeUsage = next() < 0.5;
      const seed = Math.floor(next() * 1e9);
      const expected = spliced(chunks, includeUsage, false, seededRandom(seed));
      const actual = spliced(chunks, includeUsage, true, seededRandom(seed));
      expect(actual, JSON.stringify(chunks.map((c) => c[WIRE]))).toEqual(expected);
      framedTexts += actual.filter((text) => text !== undefined).length;
    }
    expect(framedTexts).toBeGreaterThan(10_000);
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
