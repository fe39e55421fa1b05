// The OpenAI stream reader's chunks in hand (nextReady) against its next() alone, differentially: over generated
// streams cut into reads at random places (error objects, keep-alives, early ends and missing [DONE] among them), a
// reader that takes what it can at once gets the same chunks, wire texts and failure as one that awaits each; also
// through openedLater, as the adapter hands the reader on.
import { describe, expect, it } from 'vitest';
import { openedLater } from '../../../../src/providers/openai/opened-later.js';
import { readOpenAIStream } from '../../../../src/providers/openai/stream.js';
import { nextReady } from '../../../../src/providers/ready-values.js';
import { seededRandom } from '../../../../src/routing/seeded-random.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import { generatedStream } from '../../../helpers/generated-chunks.js';

const DEFAULTS = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };

/** `text` as a body read in pieces cut at the given byte offsets. */
async function* reads(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
}

interface Read {
  chunks: [string, string | undefined][];
  error?: string;
  atOnce: number;
}

async function readAll(
  chunks: AsyncIterator<ChatCompletionChunk>,
  atOnce: (() => boolean) | undefined,
  leavesAfter: number | undefined,
): Promise<Read> {
  const out: Read = { chunks: [], atOnce: 0 };
  const take = async () => {
    const ready = atOnce?.() ? nextReady(chunks) : undefined;
    if (ready !== undefined) out.atOnce += 1;
    return ready ?? chunks.next();
  };
  try {
    for (let next = await take(); !next.done; next = await take()) {
      out.chunks.push([JSON.stringify(next.value), next.value[WIRE]]);
      if (leavesAfter !== undefined && out.chunks.length >= leavesAfter) {
        await chunks.return?.(undefined);
        out.chunks.push(['left', undefined], ['after', String((await chunks.next()).done)]);
        break;
      }
    }
  } catch (err) {
    out.error = `${(err as Error).name}: ${(err as Error).message}`;
  }
  return out;
}

describe('readOpenAIStream: chunks in hand (nextReady) against next() alone', () => {
  it('reads 2,000 generated streams alike, in random reads, directly and through openedLater', async () => {
    const next = seededRandom(11);
    let atOnce = 0;
    let failed = 0;
    for (let i = 0; i < 2_000; i++) {
      const texts = generatedStream(next);
      const bytes = Buffer.from(texts.map((data) => `data: ${data}\n\n`).join(''));
      const cuts = Array.from({ length: Math.floor(next() * 6) }, () => Math.floor(next() * bytes.length)).sort(
        (a, b) => a - b,
      );
      const leavesAfter = next() < 0.1 ? 1 + Math.floor(next() * 4) : undefined;
      const wrapped = next() < 0.5;
      const open = () => {
        const reader = readOpenAIStream(reads(bytes, cuts), DEFAULTS);
        return wrapped ? openedLater(async () => reader) : reader;
      };
      const expected = await readAll(open(), undefined, leavesAfter);
      const draw = seededRandom(i);
      const actual = await readAll(open(), () => draw() < 0.8, leavesAfter);
      expect({ ...actual, atOnce: 0 }, JSON.stringify({ i, texts, cuts })).toEqual({ ...expected, atOnce: 0 });
      atOnce += actual.atOnce;
      if (expected.error !== undefined) failed += 1;
    }
    // Both paths were taken often: chunks given at once, and streams that failed.
    expect(atOnce).toBeGreaterThan(5_000);
    expect(failed).toBeGreaterThan(50);
  });
});
