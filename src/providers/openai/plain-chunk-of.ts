// The streamed chunk's fast path: a parsed chunk already in OpenAI's shape checked and copied in one pass.
import type { ContentFrame } from '../content-frame.js';
import { FRAME, WIRE, type ChatCompletionChunk, type ChunkDelta, type FinishReason } from '../types.js';

type Choice = ChatCompletionChunk['choices'][number];

const FINISH: ReadonlySet<unknown> = new Set([null, 'stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/**
 * The chunk that `record` (the JSON.parse of `text`) normalises to, with `text` as its `WIRE`, when normalising leaves
 * it as it is (isPlainChunk) and it carries nothing the full normalising must look into: no tool calls, no usage but
 * null, no error, no Groq extras, one line of text. Undefined for anything else, which fromOpenAIChunk takes. One pass
 * over the fields the chunk keeps, where the full path walks the chunk twice (normalising, then isPlainChunk) and
 * builds more on the way. What it returns is what the full path gives (the differential tests in
 * test/unit/providers/openai/plain-chunk-of.test.ts).
 */
export function plainChunkOf(record: unknown, text: string): ChatCompletionChunk | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const {
    id,
    object,
    created,
    model,
    choices,
    usage,
    error,
    system_fingerprint: fingerprint,
  } = record as Record<string, unknown>;
  if (object !== 'chat.completion.chunk' || typeof id !== 'string' || id === '') return undefined;
  if (typeof created !== 'number' || !Number.isInteger(created) || created < 0) return undefined;
  if (typeof model !== 'string' || model === '' || !Array.isArray(choices)) return undefined;
  if (fingerprint !== undefined && typeof fingerprint !== 'string') return undefined;
  if ((usage !== undefined && usage !== null) || (error !== undefined && error !== null)) return undefined;
  if ((record as Record<string, unknown>)['x_groq'] !== undefined || text.includes('\n')) return undefined;
  const out: Choice[] = [];
  for (const raw of choices) {
    const choice = plainChoice(raw);
    if (choice === undefined) return undefined;
    out.push(choice);
  }
  return plainChunk(id, created, model, fingerprint, out, text);
}

/**
 * A plain chunk from its parts, with `text` as its `WIRE` (and `frame` as its `FRAME`, when the text was taken by that
 * frame): every plain chunk is built here (and its delta by {@link plainDeltaOf}), so that all have one hidden class
 * and the relay's reads of them stay fast.
 */
export function plainChunk(
  id: string,
  created: number,
  model: string,
  fingerprint: string | undefined,
  choices: Choice[],
  text: string,
  frame?: ContentFrame,
): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = { id, created, model, object: 'chat.completion.chunk', choices };
  if (fingerprint !== undefined) chunk.system_fingerprint = fingerprint;
  chunk[WIRE] = text;
  chunk[FRAME] = frame;
  return chunk;
}

function plainChoice(raw: unknown): Choice | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { index, delta, finish_reason: finish, logprobs } = raw as Record<string, unknown>;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || !FINISH.has(finish)) return undefined;
  if (logprobs !== undefined && logprobs !== null) return undefined;
  const plain = plainDelta(delta);
  if (plain === undefined) return undefined;
  return { index, delta: plain, finish_reason: finish as FinishReason | null, logprobs: null };
}

/** The delta as deltaFromWire makes it (role, content, refusal, in that order); undefined for tool calls. */
function plainDelta(raw: unknown): ChunkDelta | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { role, content, refusal, tool_calls: calls } = raw as Record<string, unknown>;
  if (calls !== undefined || (role !== undefined && role !== 'assistant')) return undefined;
  if (content !== undefined && content !== null && typeof content !== 'string') return undefined;
  if (refusal !== undefined && refusal !== null && typeof refusal !== 'string') return undefined;
  return plainDeltaOf(role !== undefined, content as string | null | undefined, refusal as string | null | undefined);
}

/** A plain delta as deltaFromWire makes it: role, content, refusal, in that order. */
export function plainDeltaOf(
  role: boolean,
  content: string | null | undefined,
  refusal: string | null | undefined,
): ChunkDelta {
  const delta: ChunkDelta = {};
  if (role) delta.role = 'assistant';
  if (content !== undefined) delta.content = content;
  if (refusal !== undefined) delta.refusal = refusal;
  return delta;
}
