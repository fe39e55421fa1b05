import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { fromGeminiStream } from '../../../../src/providers/gemini/stream.js';
import type { ChatCompletionChunk } from '../../../../src/providers/types.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';
import { body, collect, jsonlLines, now, recording, sseWire, streamedText, type Cut } from './wire-fixtures.js';

const CUTS: Array<[string, Cut]> = [
  ['whole', { size: 1 << 20 }],
  ['1-byte pieces', { size: 1 }],
  ['7-byte pieces', { size: 7 }],
  ['cuts after CR, inside UTF-8 characters and field names', 'awkward'],
];

const run = (wire: string, cut: Cut = { size: 1 << 20 }, model = 'gemini-3-pro-preview') =>
  collect(fromGeminiStream(body(wire, cut), { now, model }));

function expectValid(chunks: ChatCompletionChunk[]): void {
  for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
}

describe('fromGeminiStream with recorded streams', () => {
  it.each(CUTS)('replays the vercel text stream (%s)', async (_name, cut) => {
    const { chunks, error } = await run(sseWire(jsonlLines('vercel-ai_google-text.chunks.jsonl')), cut);
    expect(error).toBeUndefined();
    expectValid(chunks);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(streamedText(chunks)).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
    expect(finishes).toEqual(['stop']);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 9, completion_tokens: 23 + 185, total_tokens: 217 });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-bH6LaZW8Fp_3nsEPqtaSwQ4']));
  });

  it.each(CUTS)('replays the vercel tool-call stream as one complete tool call delta (%s)', async (_name, cut) => {
    const { chunks, error } = await run(sseWire(jsonlLines('vercel-ai_google-tool-call.chunks.jsonl')), cut);
    expect(error).toBeUndefined();
    expectValid(chunks);
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls).toEqual([
      {
        index: 0,
        id: 'call_0',
        type: 'function',
        function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
      },
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 29, completion_tokens: 15 + 45, total_tokens: 89 });
  });

  it.each(CUTS)('replays the js-genai stream that ends on MAX_TOKENS (%s)', async (_name, cut) => {
    const [interaction] = recording(
      'Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_specified_parameters',
    );
    const { chunks, error } = await run(sseWire(interaction!.segments), cut, 'gemini-2.5-flash');
    expect(error).toBeUndefined();
    expectValid(chunks);
    const expected = interaction!.segments.map((s: any) => s.candidates[0].content.parts[0].text).join('');
    expect(streamedText(chunks)).toBe(expected);
    expect(expected).toContain('\u2013'); // a multi-byte character the awkward cut splits
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 7, completion_tokens: 153 + 45, total_tokens: 205 });
  });

  it('replays both turns of the js-genai function calling stream', async () => {
    const turns = recording('Chats_Tests_chats_function_calling_Google_AI_with_function_calling_stream');
    const results = await Promise.all(
      turns.map((turn) => run(sseWire(turn.segments), { size: 5 }, 'gemini-2.0-flash')),
    );
    const args = results.map(({ chunks, error }) => {
      expect(error).toBeUndefined();
      expectValid(chunks);
      const call = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))[0]!;
      expect(call).toMatchObject({ index: 0, id: 'call_0', function: { name: 'customDivide' } });
      return JSON.parse(call.function!.arguments!);
    });
    expect(args).toEqual([
      { denominator: 2, numerator: 100 },
      { denominator: 2, numerator: 50 },
    ]);
    expect(results[1]!.chunks.at(-1)!.usage).toEqual({ prompt_tokens: 38, completion_tokens: 6, total_tokens: 44 });
  });

  it('throws the matching ProviderError for the js-genai error sent in the stream', async () => {
    const [interaction] = recording('Chats_Tests_sendMessage_Send_message_stream_with_error');
    const { chunks, error } = await run(sseWire(interaction!.segments), 'awkward');
    expect(chunks).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'bad_request', status: 404, upstreamCode: 'NOT_FOUND' });
    expect((error as Error).message).toContain('models/custom-gemini-2.0-flash is not found');
  });

  it('accepts events separated by \\n\\n and by \\r\\r as well', async () => {
    const lines = jsonlLines('vercel-ai_google-text.chunks.jsonl');
    for (const separator of ['\n\n', '\r\r']) {
      const { chunks, error } = await run(lines.map((l) => `data: ${l}${separator}`).join(''), { size: 3 });
      expect(error).toBeUndefined();
      expect(streamedText(chunks)).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    }
  });
});

describe('fromGeminiStream failures', () => {
  it('throws network "upstream stream ended early" when no finishReason came, after the deltas it had', async () => {
    const lines = jsonlLines('vercel-ai_google-text.chunks.jsonl').slice(0, 2);
    const { chunks, error } = await run(sseWire(lines));
    expect(streamedText(chunks)).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network', status: 0, message: 'upstream stream ended early' });
  });

  it('throws network for an empty body', async () => {
    const { chunks, error } = await run('');
    expect(chunks).toEqual([]);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('throws content_filter when the prompt is blocked', async () => {
    const { error } = await run(
      sseWire([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4 } }]),
    );
    expect(error).toMatchObject({ kind: 'content_filter', upstreamCode: 'SAFETY' });
  });

  it('throws rate_limit with the RetryInfo delay for a quota error sent mid-stream', async () => {
    const first = jsonlLines('vercel-ai_google-text.chunks.jsonl')[0]!;
    const quota = {
      error: {
        code: 429,
        message: 'Resource has been exhausted',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
      },
    };
    const { chunks, error } = await run(sseWire([first, quota]));
    expect(streamedText(chunks)).toBe('There are **3**');
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterMs: 1500 });
  });

  it('throws a server error for an event that is not JSON', async () => {
    const { error } = await run('data: {"candidates": [\r\n\r\n');
    expect(error).toMatchObject({ kind: 'server' });
  });
});

describe('fromGeminiStream tool calls across events', () => {
  it('numbers tool calls in order across events and keeps text before them', async () => {
    const event = (parts: unknown[], finishReason?: string) => ({
      candidates: [{ content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
      responseId: 'abc',
    });
    const wire = sseWire([
      event([{ text: 'Checking ' }, { text: 'secret plan', thought: true }]),
      event([{ functionCall: { name: 'a', args: { q: 1 } } }, { functionCall: { id: 'own-id', name: 'b', args: {} } }]),
      event([{ functionCall: { name: 'c', args: { deep: { list: [1, 2] } } } }], 'STOP'),
    ]);
    const { chunks, error } = await run(wire);
    expect(error).toBeUndefined();
    expectValid(chunks);
    expect(streamedText(chunks)).toBe('Checking ');
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls.map((c) => [c.index, c.id, c.function?.name, c.function?.arguments])).toEqual([
      [0, 'call_0', 'a', '{"q":1}'],
      [1, 'own-id', 'b', '{}'],
      [2, 'call_2', 'c', '{"deep":{"list":[1,2]}}'],
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
    // no usageMetadata anywhere: no usage chunk either
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
  });
});
