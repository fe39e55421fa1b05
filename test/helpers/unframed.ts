// Chunks compared without their FRAME: the reader's hint that chunks read alike carry or not (a chunk taken by its
// frame has one, the same chunk parsed whole has none), checked to frame the chunk's wire text before it is dropped.
import { expect } from 'vitest';
import { FRAME, WIRE, type ChatCompletionChunk } from '../../src/providers/types.js';

/** `chunk` without FRAME, once a FRAME it has is checked: its head, the first choice's content, its tail are WIRE. */
export function unframed(chunk: ChatCompletionChunk): ChatCompletionChunk {
  const frame = chunk[FRAME];
  if (frame !== undefined) expect(chunk[WIRE]).toBe(`${frame.head}${chunk.choices[0]?.delta.content}${frame.tail}`);
  const { [FRAME]: _frame, ...rest } = chunk;
  return rest;
}
