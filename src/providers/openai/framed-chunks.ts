// A stream's plain chunks that differ from an earlier one only in their text, taken without parsing their JSON.
import { type ContentFrame, contentFrame, framedContent } from '../content-frame.js';
import type { ChatCompletionChunk, FinishReason } from '../types.js';
import { plainChunk, plainDeltaOf } from './plain-chunk-of.js';

/** What a framed chunk copies from the chunk its frame was learnt from (read when learnt: chunks change downstream). */
interface Shape {
  id: string;
  created: number;
  model: string;
  fingerprint: string | undefined;
  index: number;
  finish: FinishReason | null;
  role: boolean;
  refusal: string | null | undefined;
}

/** Frames learnt past those that served a chunk: a stream whose chunks differ in more than their text stops learning. */
const SPARE_FRAMES = 2;

/**
 * The plain chunks (plainChunkOf's) of one stream with one choice and a text, whose JSON is that of a chunk seen
 * before but for the text: `chunkOf` gives such a chunk from its text alone, without JSON.parse, as plainChunkOf gives
 * it (fields, key order, `WIRE`). A frame is learnt from a chunk parsed whole (`learn`) once it is proven that the
 * string it frames is the delta's content: the text with another content there parses with that content.
 */
export class FramedChunks {
  private frame: ContentFrame | undefined;
  private shape: Shape | undefined;
  private served = 0;
  private learnt = 0;
  private first = true;

  /** The chunk `text` is when it fits the frame with plain content; undefined otherwise (parse it whole). */
  chunkOf(text: string): ChatCompletionChunk | undefined {
    if (this.frame === undefined) return undefined;
    const content = framedContent(this.frame, text);
    if (content === undefined) return undefined;
    this.served += 1;
    return framedChunk(this.shape!, content, text, this.frame);
  }

  /** Learns the frame of `chunk`, plainChunkOf's of `text`, when it has one. */
  learn(chunk: ChatCompletionChunk, text: string): void {
    const first = this.first;
    this.first = false;
    if (this.learnt > this.served + SPARE_FRAMES || chunk.choices.length !== 1) return;
    const choice = chunk.choices[0]!;
    const { content, role, refusal } = choice.delta;
    // A stream's first chunk names the role and its last the finish, each once, usually: no chunk after has their frame.
    if (typeof content !== 'string' || choice.finish_reason !== null || (first && role !== undefined)) return;
    const frame = contentFrame(text, content);
    if (frame === undefined || !framesDeltaContent(frame, content)) return;
    this.learnt += 1;
    this.frame = frame;
    this.shape = {
      id: chunk.id,
      created: chunk.created,
      model: chunk.model,
      fingerprint: chunk.system_fingerprint ?? undefined,
      index: choice.index,
      finish: choice.finish_reason,
      role: role !== undefined,
      refusal,
    };
  }
}

/** Whether the string `frame` holds is the delta's content: another string there is read as the content. */
function framesDeltaContent(frame: ContentFrame, content: string): boolean {
  const probe = content === 'probe' ? 'other' : 'probe';
  try {
    const parsed = JSON.parse(frame.head + probe + frame.tail) as {
      choices?: Array<{ delta?: { content?: unknown } }>;
    };
    return parsed.choices?.[0]?.delta?.content === probe;
  } catch {
    return false;
  }
}

/** The chunk plainChunkOf makes of the frame's text with `content`: its fields, in its order, and the frame. */
function framedChunk(shape: Shape, content: string, text: string, frame: ContentFrame): ChatCompletionChunk {
  const delta = plainDeltaOf(shape.role, content, shape.refusal);
  const choice = { index: shape.index, delta, finish_reason: shape.finish, logprobs: null };
  return plainChunk(shape.id, shape.created, shape.model, shape.fingerprint, [choice], text, frame);
}
