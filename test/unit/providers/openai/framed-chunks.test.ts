// The stream reader with framed chunks (a chunk that differs from an earlier one only in its text, taken without
// JSON.parse) against the reader that parses every chunk, differentially: over generated streams of many shapes (the
// recorded fixtures' chunks, key orders, whitespace, extras, obfuscation, role and finish changes, contents that need
// escapes, a "content" key elsewhere, duplicate keys, text that is not JSON, error objects), both give the same chunks
// (fields, key order, wire text) and the same error.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plainChunkOf } from '../../../../src/providers/openai/plain-chunk-of.js';
import { isPlainChunk } from '../../../../src/providers/openai/plain-chunk.js';
import { fromOpenAIChunk, readOpenAIStream } from '../../../../src/providers/openai/stream.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';
import { unframed } from '../../../helpers/unframed.js';
import { seededRandom } from '../../../../src/routing/seeded-random.js';
import { chunkWith, generatedStream as generated } from '../../../helpers/generated-chunks.js';

const defaults = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };

type Outcome = {
  chunks: Array<{ json: string; wire: string | undefined; chunk: ChatCompletionChunk }>;
  error?: string;
};

/** The chunks of `texts` (the data of each event) as the reader gave them before frames: every chunk parsed. */
function parsedEach(texts: string[]): Outcome {
  const out: Outcome = { chunks: [] };
  const withToolCalls = new Set<number>();
  let answered = false;
  let finished = false;
  try {
    for (const raw of texts) {
      const data = raw.trim();
      if (data === '[DONE]') {
        if (!answered) throw new Error('upstream answer has no choices');
        return out;
      }
      if (data === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        continue;
      }
      let chunk = plainChunkOf(parsed, data);
      if (chunk === undefined) {
        chunk = fromOpenAIChunk(parsed, defaults, withToolCalls);
        if (isPlainChunk(parsed as Record<string, unknown>) && !data.includes('\n')) chunk[WIRE] = data;
      }
      if (chunk.choices.length > 0) answered = true;
      for (const choice of chunk.choices) {
        if (choice.delta.tool_calls) withToolCalls.add(choice.index);
        if (choice.finish_reason !== null) finished = true;
      }
      if (chunk.choices.length === 0 && !chunk.usage) continue;
      out.chunks.push({ json: JSON.stringify(chunk), wire: chunk[WIRE], chunk });
    }
    if (!finished) throw new Error('upstream stream ended early');
  } catch (err) {
    out.error = (err as Error).message;
  }
  return out;
}

async function* body(texts: string[]): AsyncGenerator<Uint8Array> {
  yield Buffer.from(texts.map((data) => `data: ${data}\n\n`).join(''));
}

async function read(texts: string[]): Promise<Outcome> {
  const out: Outcome = { chunks: [] };
  try {
    for await (const chunk of readOpenAIStream(body(texts), defaults))
      out.chunks.push({ json: JSON.stringify(chunk), wire: chunk[WIRE], chunk });
  } catch (err) {
    out.error = (err as Error).message;
  }
  return out;
}

const fixtureDir = new URL('../../../fixtures/wire/openai/', import.meta.url);
const recorded = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.sse'))
  .map((name) =>
    readFileSync(new URL(name, fixtureDir), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice('data: '.length)),
  );

async function agrees(texts: string[]): Promise<void> {
  const expected = parsedEach(texts);
  const actual = await read(texts);
  const label = JSON.stringify(texts);
  expect(actual.error, label).toBe(expected.error);
  expect(
    actual.chunks.map((c) => c.json),
    label,
  ).toEqual(expected.chunks.map((c) => c.json));
  expect(
    actual.chunks.map((c) => c.wire),
    label,
  ).toEqual(expected.chunks.map((c) => c.wire));
  expect(
    actual.chunks.map((c) => unframed(c.chunk)),
    label,
  ).toEqual(expected.chunks.map((c) => unframed(c.chunk)));
}

describe('framed chunks against parsing every chunk', () => {
  it('reads the recorded streams alike, repeated so that their frames serve', async () => {
    for (const texts of recorded) {
      await agrees(texts);
      const body = texts.filter((t) => t !== '[DONE]');
      await agrees([...body, ...body, '[DONE]']);
    }
  });

  it('reads 5,000 generated streams alike', async () => {
    const next = seededRandom(3);
    for (let run = 0; run < 5_000; run++) await agrees(generated(next));
  });

  it('takes most chunks of a plain stream by their frame', async () => {
    const chunk = (content: string, role = false) =>
      JSON.stringify(chunkWith(1, content, { role, finish: null, id: 'chatcmpl-a' }));
    const texts = [chunk('a', true), ...Array.from({ length: 20 }, (_, i) => chunk(`tok ${i}`)), '[DONE]'];
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = (text: string) => {
      parsed += 1;
      return parse(text);
    };
    try {
      await read(texts);
    } finally {
      JSON.parse = parse;
    }
    // The first two (role, then the first without it), and the proof of the second one's frame.
    expect(parsed).toBe(3);
  });
});
