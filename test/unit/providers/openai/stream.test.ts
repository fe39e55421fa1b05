// Raw SSE bytes → chunks, replaying the recorded streams cut at awkward places (mid-line, mid-character, byte by byte).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromOpenAICompletion } from '../../../../src/providers/openai/from-wire.js';
import { completionToChunks } from '../../../../src/providers/assemble.js';
import { readOpenAIStream } from '../../../../src/providers/openai/stream.js';
import type { ChatCompletionChunk } from '../../../../src/providers/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';
import { unframed } from '../../../helpers/unframed.js';

const dir = new URL('../../../fixtures/wire/openai/', import.meta.url);
const defaults = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };
const enc = new TextEncoder();

/** The fixture as the bytes that came over the wire (.chunks.jsonl framed as `data: <line>` events plus [DONE]). */
function wire(name: string, done = true): Uint8Array {
  const bytes = readFileSync(new URL(name, dir));
  if (!name.endsWith('.jsonl')) return new Uint8Array(bytes);
  const lines = bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return enc.encode(lines.map((line) => `data: ${line}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : ''));
}

async function* cut(bytes: Uint8Array, at: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const end of [...at.filter((n) => n > 0 && n < bytes.length).sort((a, b) => a - b), bytes.length]) {
    yield bytes.subarray(start, end);
    start = end;
  }
}

const every = (bytes: Uint8Array, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => i * size);

/**
 * Cut points: inside the first `data:` prefix, between the two newlines of a separator, inside every multi-byte
 * character.
 */
function awkward(bytes: Uint8Array): number[] {
  const points = [3, bytes.indexOf(10) + 1];
  bytes.forEach((b, i) => b >= 0xc0 && points.push(i + 1));
  return points;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of readOpenAIStream(body, defaults)) out.push(chunk);
  return out;
}

interface Assembled {
  text: string;
  refusal: string;
  calls: Record<number, { id?: string; name?: string; arguments: string }>;
  finish: unknown[];
  usage: unknown;
}

/** What a client would rebuild from chunk objects (our output, or the fixture's own JSON). */
function assemble(chunks: any[]): Assembled {
  const out: Assembled = { text: '', refusal: '', calls: {}, finish: [], usage: undefined };
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      out.text += choice.delta.content ?? '';
      out.refusal += choice.delta.refusal ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (out.calls[call.index] ??= { arguments: '' });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name = call.function.name;
        slot.arguments += call.function?.arguments ?? '';
      }
      if (choice.finish_reason) out.finish.push(choice.finish_reason);
    }
    const u = chunk.usage ?? chunk.x_groq?.usage;
    if (u)
      out.usage = {
        prompt_tokens: u.prompt_tokens,
        completion_tokens: u.completion_tokens,
        total_tokens: u.total_tokens,
      };
  }
  return out;
}

/** The fixture's chunks parsed directly, line by line: the reference our reader must agree with. */
function reference(bytes: Uint8Array): Assembled {
  const lines = new TextDecoder().decode(bytes).split('\n');
  return assemble(
    lines.filter((l) => l.startsWith('data: ') && l.trim() !== 'data: [DONE]').map((l) => JSON.parse(l.slice(6))),
  );
}

const FIXTURES = [
  'openai-python_chat_completion_stream_text.sse',
  'openai-python_chat_completion_stream_tool_call.sse',
  'openai-python_chat_completion_stream_parallel_tool_calls.sse',
  'openai-python_chat_completion_stream_finish_length.sse',
  'openai-python_chat_completion_stream_refusal.sse',
  'vercel-ai_openai-compatible_anthropic-fallback-tool-call.sse',
  'vercel-ai_openai-text.chunks.jsonl',
  'vercel-ai_groq-tool-call.chunks.jsonl',
];

describe('readOpenAIStream on recorded streams', () => {
  it.each(FIXTURES)(
    '%s: same content however the bytes are cut, every chunk valid and free of extras',
    async (name) => {
      const bytes = wire(name);
      const expected = reference(bytes);
      const whole = await collect(cut(bytes, []));
      expect(assemble(whole)).toEqual(expected);
      for (const chunk of whole) {
        expect(schemaErrors.chunk(chunk)).toEqual([]);
        expect(Object.keys(chunk).filter((k) => ['obfuscation', 'service_tier', 'x_groq'].includes(k))).toEqual([]);
      }
      for (const points of [every(bytes, 1), every(bytes, 7), every(bytes, 1000), awkward(bytes)]) {
        expect((await collect(cut(bytes, points))).map(unframed)).toEqual(whole.map(unframed));
      }
    },
  );

  it('rebuilds the recorded text, finish reason and usage', async () => {
    const text = assemble(await collect(cut(wire('openai-python_chat_completion_stream_text.sse'), [])));
    expect(text.text).toMatch(/^I'm unable to provide real-time weather updates\./);
    expect(text.finish).toEqual(['stop']);
    expect(text.usage).toEqual({ prompt_tokens: 14, completion_tokens: 30, total_tokens: 44 });
    const long = assemble(await collect(cut(wire('openai-python_chat_completion_stream_finish_length.sse'), [])));
    expect([long.text, long.finish, long.usage]).toEqual([
      '{"',
      ['length'],
      { prompt_tokens: 79, completion_tokens: 1, total_tokens: 80 },
    ]);
    const refusal = assemble(await collect(cut(wire('openai-python_chat_completion_stream_refusal.sse'), [])));
    expect([refusal.text, refusal.refusal]).toEqual(['', "I'm sorry, I can't assist with that request."]);
  });

  it('keeps multi-byte characters whole when the bytes are cut inside them', async () => {
    const bytes = wire('vercel-ai_openai-text.chunks.jsonl');
    const result = assemble(await collect(cut(bytes, awkward(bytes))));
    expect(result.text).toContain('different cultures—flags, traditional art, and meaningful motifs—to visually');
    expect(result.text).toContain('various cultures’ histories');
    expect(result.text).not.toContain('\uFFFD');
    expect(result.usage).toEqual({ prompt_tokens: 16, completion_tokens: 300, total_tokens: 316 });
  });

  it('reassembles parallel tool calls by index, with ids, names and JSON arguments', async () => {
    const { calls, finish } = assemble(
      await collect(cut(wire('openai-python_chat_completion_stream_parallel_tool_calls.sse'), [])),
    );
    expect(Object.keys(calls)).toEqual(['0', '1']);
    expect(calls[0]).toMatchObject({ id: 'call_JMW1whyEaYG438VE1OIflxA2', name: 'GetWeatherArgs' });
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ city: 'Edinburgh', country: 'GB', units: 'c' });
    expect(calls[1]!.name).toBe('get_stock_price');
    expect(finish).toEqual(['tool_calls']);
  });

  it('keeps a tool call index that starts at 1 (Anthropic through a compatible endpoint)', async () => {
    const chunks = await collect(cut(wire('vercel-ai_openai-compatible_anthropic-fallback-tool-call.sse'), []));
    const indexes = chunks.flatMap((c) => c.choices.flatMap((ch) => (ch.delta.tool_calls ?? []).map((t) => t.index)));
    expect(new Set(indexes)).toEqual(new Set([1]));
    const result = assemble(chunks);
    expect(result.text).toBe('Reading it.');
    expect(result.calls[1]).toEqual({ id: 'toolu_sanitized', name: 'read_file', arguments: '{"path": "a.txt"}' });
    expect(result.usage).toBeUndefined();
  });

  it("takes Groq's usage from its finish chunk and drops x_groq", async () => {
    const chunks = await collect(cut(wire('vercel-ai_groq-tool-call.chunks.jsonl'), []));
    const last = chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe('tool_calls');
    expect(last.usage).toEqual({ prompt_tokens: 210, completion_tokens: 15, total_tokens: 225 });
  });
});

describe('completionToChunks (a server that ignores stream: true)', () => {
  it('replays a complete tool-call body as valid chunks that reassemble to it', () => {
    const raw = JSON.parse(
      readFileSync(new URL('openai-python_chat_completion_parallel_tool_calls.json', dir), 'utf8'),
    );
    const chunks = completionToChunks(fromOpenAICompletion(raw, defaults), true);
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    const result = assemble(chunks);
    expect(Object.values(result.calls).map((c) => c.name)).toEqual(['GetWeatherArgs', 'get_stock_price']);
    expect([result.finish, result.usage]).toEqual([
      ['tool_calls'],
      { prompt_tokens: 149, completion_tokens: 60, total_tokens: 209 },
    ]);
  });
});
