// Loads the recorded Gemini payloads (test/fixtures/wire/gemini) and replays them as the bytes Google sends.
import { readFileSync } from 'node:fs';
import type { ChatCompletionChunk } from '../../../../src/providers/types.js';

const DIR = new URL('../../../fixtures/wire/gemini/', import.meta.url);

function fixtureText(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

export function fixtureJson(name: string): any {
  return JSON.parse(fixtureText(name));
}

/** A js-genai recording's interactions: request body, response status and body segments (stream events). */
export function recording(name: string): Array<{ request: any; status: number; segments: any[] }> {
  const file = fixtureJson(`js-genai_recording_${name}.json`);
  return file.interactions.map((i: any) => ({
    request: i.request.bodySegments[0],
    status: i.response.statusCode,
    segments: i.response.bodySegments,
  }));
}

/** The `alt=sse` wire for a list of event objects or JSON lines: `data: <json>\r\n\r\n` each. */
export function sseWire(events: Array<string | unknown>): string {
  return events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\r\n\r\n`).join('');
}

/** A vercel `.chunks.jsonl` file's lines (one event JSON per line). */
export function jsonlLines(name: string): string[] {
  return fixtureText(name)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** How to cut the bytes: into pieces of `size` bytes, or right after every CR and inside every multi-byte character. */
export type Cut = { size: number } | 'awkward';

/** The bytes of `text` as a body arriving in pieces. */
export async function* body(text: string, cut: Cut = { size: 1 << 20 }): AsyncIterable<Uint8Array> {
  for (const piece of cutBytes(Buffer.from(text, 'utf8'), cut)) yield piece;
}

function cutBytes(bytes: Buffer, cut: Cut): Uint8Array[] {
  const ends: number[] = [];
  if (cut === 'awkward') {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      // after a CR (so CR and LF arrive apart), and after the first byte of a multi-byte UTF-8 character
      if (b === 0x0d || b >= 0xc0) ends.push(i + 1);
      // between "data" and ":" of each field name
      if (b === 0x61 && bytes[i + 1] === 0x3a) ends.push(i + 1);
    }
  } else {
    for (let i = cut.size; i < bytes.length; i += cut.size) ends.push(i);
  }
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const end of [...ends, bytes.length]) {
    if (end > start) pieces.push(new Uint8Array(bytes.subarray(start, end)));
    start = end;
  }
  return pieces;
}

/** All chunks of a stream, or the error it threw after them. */
export async function collect(
  stream: AsyncIterable<ChatCompletionChunk>,
): Promise<{ chunks: ChatCompletionChunk[]; error?: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

/** The text of a stream's content deltas. */
export function streamedText(chunks: ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

export const NOW = 1_760_000_000_000;
export const now = (): number => NOW;
