// Test helpers: recorded Anthropic fixtures as byte streams cut at awkward places, and OpenAI chunks reassembled.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ChatCompletionChunk, FinishReason, Usage } from '../../../../src/providers/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

/** A file of test/fixtures/wire/anthropic, as text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/wire/anthropic/${name}`, import.meta.url), 'utf8');
}

/** A `.chunks.jsonl` fixture as the real wire frames it: `event: <type>\ndata: <line>\n\n`, no `[DONE]`. */
export function jsonlToSse(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join('');
}

/** One event frame, as Anthropic sends it. */
export function sseEvent(data: Record<string, unknown>): string {
  return `event: ${String(data['type'])}\ndata: ${JSON.stringify(data)}\n\n`;
}

export type Split = (bytes: Uint8Array) => number[];

/** Ways to cut a body into network chunks; each returns the offsets to cut at. */
export const SPLITS: Record<string, Split> = {
  whole: () => [],
  'byte by byte': (bytes) => range(1, bytes.length, 1),
  'every 7 bytes': (bytes) => range(7, bytes.length, 7),
  // Between the two newlines that end an event, before each newline, and inside the `event:` / `data:` names.
  'at line ends and field names': (bytes) => {
    const text = new TextDecoder().decode(bytes);
    const cuts: number[] = [];
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\n') cuts.push(i, i + 1);
      if (text.startsWith('event:', i) || text.startsWith('data:', i)) cuts.push(i + 2, i + 5);
    }
    return cuts;
  },
  'seeded random sizes': (bytes) => {
    let seed = 42;
    const cuts: number[] = [];
    for (let at = 0; at < bytes.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      at += 1 + (seed % 23);
      cuts.push(at);
    }
    return cuts;
  },
};

/** `text` as a body whose chunks end at `split`'s offsets (its own bytes, so multi-byte characters get cut too). */
export async function* body(text: string, split: Split = SPLITS['whole']!): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const cuts = [...new Set(split(bytes))].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.slice(start, cut);
    start = cut;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** What a client rebuilds from a stream of OpenAI chunks. */
export interface Reassembled {
  role: string | undefined;
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReasons: FinishReason[];
  usage: Usage | null | undefined;
  ids: string[];
}

/** Rebuilds the message from chunks the way the OpenAI SDK does, checking every chunk against OpenAI's schema. */
export function reassemble(chunks: ChatCompletionChunk[]): Reassembled {
  const out: Reassembled = { role: undefined, text: '', toolCalls: [], finishReasons: [], usage: undefined, ids: [] };
  for (const chunk of chunks) {
    expect(schemaErrors.chunk(chunk)).toEqual([]);
    if (!out.ids.includes(chunk.id)) out.ids.push(chunk.id);
    if (chunk.usage) out.usage = chunk.usage;
    for (const choice of chunk.choices) {
      out.role ??= choice.delta.role;
      out.text += choice.delta.content ?? '';
      if (choice.finish_reason) out.finishReasons.push(choice.finish_reason);
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (out.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        slot.id += call.id ?? '';
        slot.name += call.function?.name ?? '';
        slot.arguments += call.function?.arguments ?? '';
      }
    }
  }
  return out;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i += step) out.push(i);
  return out;
}
