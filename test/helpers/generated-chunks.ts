// Generated OpenAI stream event data for the differential tests of the stream reader and the relay's wire texts: runs
// of one chunk shape and layout, with changes of role, finish, id, extras, obfuscation, duplicate keys and stray events.
import { readOpenAIStream } from '../../src/providers/openai/stream.js';
import type { ChatCompletionChunk } from '../../src/providers/types.js';

const CONTENTS = [
  'tok ',
  'Hello',
  '',
  ' ',
  'probe',
  'other',
  'say "hi"',
  'back\\slash',
  'new\nline',
  'tab\t',
  '\u0000',
  'é 中文 😀',
  '\u2028\u2029',
  '</s>',
  '"content":"x',
  'x'.repeat(300),
];

/** How many shapes chunkWith knows. */
const SHAPES = 9;

export type Chunkish = Record<string, unknown>;

/** A chunk object with `content`, in one of several shapes (chosen by `shape`). */
export function chunkWith(
  shape: number,
  content: unknown,
  variant: { role: boolean; finish: unknown; id: string; note?: unknown; model?: string },
): Chunkish {
  const delta: Chunkish = variant.role ? { role: 'assistant', content } : { content };
  const choice: Chunkish = { index: 0, delta, logprobs: null, finish_reason: variant.finish };
  const head = {
    id: variant.id,
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: variant.model ?? 'm-1',
  };
  switch (shape % SHAPES) {
    case 0:
      return { ...head, choices: [choice] };
    case 1:
      return { ...head, system_fingerprint: 'fp_1', service_tier: 'default', choices: [choice], usage: null };
    case 2:
      return { ...head, choices: [{ ...choice, delta: { ...delta, refusal: null } }] };
    case 3:
      // A string keyed "content" before the delta's: its frame must not be taken for the delta's.
      return { ...head, x_note: { content: variant.note ?? content }, choices: [choice] };
    case 4:
      return { choices: [choice], ...head, x_extra: { n: [1, 2] } };
    case 5:
      return { ...head, choices: [choice, { ...choice, index: 1 }] };
    case 6:
      return { ...head, choices: [{ ...choice, delta: { ...delta, tool_calls: undefined } }] };
    case 7:
      return { ...head, choices: [choice], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    default:
      return { ...head, choices: [{ ...choice, finish_reason: 'eos' }] };
  }
}

/** JSON with spaces after some separators, the same for every chunk of one layout. */
function written(value: Chunkish, layout: number): string {
  const text = JSON.stringify(value);
  if (layout % 3 === 0) return text;
  if (layout % 3 === 1) return text.replaceAll('":', '": ');
  return text.replace('"choices":', '"choices" :');
}

/** A stream's event data: runs of one shape and layout, with changes of role, finish, id, extras and stray events. */
export function generatedStream(next: () => number): string[] {
  const texts: string[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  let shape = Math.floor(next() * SHAPES);
  let layout = Math.floor(next() * 3);
  let id = 'chatcmpl-a';
  const model = pick(['m-1', 'm-1', 'org/"q"', 'a\\b', 'ü-model']);
  const length = 1 + Math.floor(next() * 30);
  for (let i = 0; i < length; i++) {
    const roll = next();
    if (roll < 0.05) shape = Math.floor(next() * SHAPES);
    else if (roll < 0.08) layout = Math.floor(next() * 3);
    else if (roll < 0.1) id = pick(['chatcmpl-a', 'chatcmpl-b']);
    const content = next() < 0.05 ? pick([null, 7, ['x']]) : pick(CONTENTS.slice(0, next() < 0.5 ? 2 : undefined));
    const note = next() < 0.5 ? content : pick(CONTENTS.slice(0, 2));
    const variant = { role: i === 0 || next() < 0.05, finish: next() < 0.05 ? 'stop' : null, id, note, model };
    let text = written(chunkWith(shape, content, variant), layout);
    const odd = next();
    if (odd < 0.02) text = ': keep-alive';
    else if (odd < 0.04) text = `${text.slice(0, -1)},"obfuscation":"${Math.floor(next() * 1e6)}"}`;
    else if (odd < 0.05) text = text.replace('"content":', '"content":"dup","content":');
    else if (odd < 0.06) text = ` ${text}\t`;
    else if (odd < 0.062) text = '{"error":{"message":"overloaded","type":"server_error"}}';
    texts.push(text);
  }
  texts.push(
    written({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage: null }, layout),
    ...(next() < 0.95 ? ['[DONE]'] : []),
  );
  return texts;
}

const DEFAULTS = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };

/** The chunks the OpenAI stream reader makes of event data `texts` sent in one read: those before a failure, if any. */
export async function chunksOf(texts: string[]): Promise<ChatCompletionChunk[]> {
  const body = (async function* () {
    yield Buffer.from(texts.map((data) => `data: ${data}\n\n`).join(''));
  })();
  const out: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of readOpenAIStream(body, DEFAULTS)) out.push(chunk);
  } catch {
    // What was read before the failure is relayed all the same.
  }
  return out;
}
