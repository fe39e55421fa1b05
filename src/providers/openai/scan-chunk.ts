// The streamed chunk's fast path: a chunk already in OpenAI's shape read straight from its text, without JSON.parse.
import { WIRE, type ChatCompletionChunk, type ChunkDelta, type FinishReason } from '../types.js';
import { JsonCursor } from './json-cursor.js';

type Choice = ChatCompletionChunk['choices'][number];

const FINISH: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

// Bits of the fields seen, to require some and to refuse a repeated one (JSON.parse keeps the last; this reader cannot).
const ID = 1;
const OBJECT = 2;
const CREATED = 4;
const MODEL = 8;
const CHOICES = 16;
const FINGERPRINT = 32;
const USAGE = 64;
const ERROR = 128;
const REQUIRED = ID | OBJECT | CREATED | MODEL | CHOICES;

/**
 * The chunk that `text` normalises to, with `text` itself as its `WIRE`, when the text is a chunk that normalising
 * leaves as it is (isPlainChunk) and the reader knows its every field: id, object, created, model, choices (index,
 * delta with role, content and refusal, finish reason, null logprobs), fingerprint, a null usage or error, and fields
 * the gateway drops (skipped, but checked). Undefined for anything else: a tool call, a usage, an error, a field
 * written twice, escapes in a key, a line feed, text that is not JSON; JSON.parse and the full normalising take those.
 * What it returns is what they would (the differential tests in test/unit/providers/openai/scan-chunk.test.ts).
 */
export function scanPlainChunk(text: string): ChatCompletionChunk | undefined {
  const json = new JsonCursor(text);
  if (!json.take(0x7b)) return undefined;
  let seen = 0;
  let id = '';
  let created = 0;
  let model = '';
  let fingerprint: string | undefined;
  let choices: Choice[] | undefined;
  do {
    if (!json.key()) return undefined;
    let bit = 0;
    if (json.keyIs('id')) {
      bit = ID;
      id = json.string() ?? '';
      if (id === '') return undefined;
    } else if (json.keyIs('object')) {
      bit = OBJECT;
      if (json.string() !== 'chat.completion.chunk') return undefined;
    } else if (json.keyIs('created')) {
      bit = CREATED;
      created = json.number();
      if (!Number.isInteger(created) || created < 0) return undefined;
    } else if (json.keyIs('model')) {
      bit = MODEL;
      model = json.string() ?? '';
      if (model === '') return undefined;
    } else if (json.keyIs('choices')) {
      bit = CHOICES;
      choices = readChoices(json);
      if (choices === undefined) return undefined;
    } else if (json.keyIs('system_fingerprint')) {
      bit = FINGERPRINT;
      fingerprint = json.string();
      if (fingerprint === undefined) return undefined;
    } else if (json.keyIs('usage') || json.keyIs('error')) {
      bit = json.keyIs('usage') ? USAGE : ERROR;
      if (!json.null()) return undefined;
    } else if (json.keyIs('x_groq') || !json.keyIsValid() || !json.skip()) {
      // Groq's extras may carry the usage.
      return undefined;
    }
    if ((seen & bit) !== 0) return undefined;
    seen |= bit;
  } while (json.take(0x2c));
  if (!json.take(0x7d) || !json.atEnd() || (seen & REQUIRED) !== REQUIRED) return undefined;
  const chunk: ChatCompletionChunk = { id, created, model, object: 'chat.completion.chunk', choices: choices! };
  if (fingerprint !== undefined) chunk.system_fingerprint = fingerprint;
  chunk[WIRE] = text;
  return chunk;
}

function readChoices(json: JsonCursor): Choice[] | undefined {
  if (!json.take(0x5b)) return undefined;
  const choices: Choice[] = [];
  if (json.take(0x5d)) return choices;
  do {
    const choice = readChoice(json);
    if (choice === undefined) return undefined;
    choices.push(choice);
  } while (json.take(0x2c));
  return json.take(0x5d) ? choices : undefined;
}

const INDEX = 1;
const DELTA = 2;
const FINISH_REASON = 4;
const LOGPROBS = 8;

function readChoice(json: JsonCursor): Choice | undefined {
  if (!json.take(0x7b)) return undefined;
  let seen = 0;
  let index = 0;
  let delta: ChunkDelta | undefined;
  let finish: FinishReason | null = null;
  do {
    if (!json.key()) return undefined;
    let bit = 0;
    if (json.keyIs('index')) {
      bit = INDEX;
      index = json.number();
      if (!Number.isInteger(index) || index < 0) return undefined;
    } else if (json.keyIs('delta')) {
      bit = DELTA;
      delta = readDelta(json);
      if (delta === undefined) return undefined;
    } else if (json.keyIs('finish_reason')) {
      bit = FINISH_REASON;
      if (!json.null()) {
        const reason = json.string();
        if (reason === undefined || !FINISH.has(reason)) return undefined;
        finish = reason as FinishReason;
      }
    } else if (json.keyIs('logprobs')) {
      bit = LOGPROBS;
      if (!json.null()) return undefined;
    } else if (!json.keyIsValid() || !json.skip()) return undefined;
    if ((seen & bit) !== 0) return undefined;
    seen |= bit;
  } while (json.take(0x2c));
  if (!json.take(0x7d) || (seen & (INDEX | DELTA | FINISH_REASON)) !== (INDEX | DELTA | FINISH_REASON))
    return undefined;
  return { index, delta: delta!, finish_reason: finish, logprobs: null };
}

const ROLE = 1;
const CONTENT = 2;
const REFUSAL = 4;

/** The delta as deltaFromWire makes it (role, content, refusal, in that order); undefined for tool calls. */
function readDelta(json: JsonCursor): ChunkDelta | undefined {
  if (!json.take(0x7b)) return undefined;
  if (json.take(0x7d)) return {};
  let seen = 0;
  let content: string | null = null;
  let refusal: string | null = null;
  do {
    if (!json.key()) return undefined;
    let bit = 0;
    if (json.keyIs('content') || json.keyIs('refusal')) {
      bit = json.keyIs('content') ? CONTENT : REFUSAL;
      const value = json.null() ? null : json.string();
      if (value === undefined) return undefined;
      if (bit === CONTENT) content = value;
      else refusal = value;
    } else if (json.keyIs('role')) {
      bit = ROLE;
      if (json.string() !== 'assistant') return undefined;
    } else if (json.keyIs('tool_calls') || !json.keyIsValid() || !json.skip()) return undefined;
    if ((seen & bit) !== 0) return undefined;
    seen |= bit;
  } while (json.take(0x2c));
  if (!json.take(0x7d)) return undefined;
  const delta: ChunkDelta = {};
  if ((seen & ROLE) !== 0) delta.role = 'assistant';
  if ((seen & CONTENT) !== 0) delta.content = content;
  if ((seen & REFUSAL) !== 0) delta.refusal = refusal;
  return delta;
}
