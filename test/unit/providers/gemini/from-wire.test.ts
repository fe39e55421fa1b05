import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/providers/errors.js';
import { fromGeminiResponse } from '../../../../src/providers/gemini/from-wire.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';
import { NOW, fixtureJson, now, recording } from './wire-fixtures.js';

const convert = (body: unknown, model = 'gemini-3-pro-preview') => fromGeminiResponse(body, { now, model });

describe('fromGeminiResponse with recorded answers', () => {
  it('maps the vercel text answer: text, stop, usage with thinking tokens as completion', () => {
    const completion = convert(fixtureJson('vercel-ai_google-text.json'));
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(completion.id).toBe('chatcmpl-Un6LacrVMcjUxs0PmJfWoQc');
    expect(completion.created).toBe(Math.floor(NOW / 1000));
    expect(completion.model).toBe('gemini-3-pro-preview');
    expect(completion.choices[0]!.message).toEqual({
      role: 'assistant',
      content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      refusal: null,
    });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.choices[0]!.logprobs).toBeNull();
    expect(completion.usage).toEqual({ prompt_tokens: 9, completion_tokens: 28 + 244, total_tokens: 281 });
  });

  it('maps the vercel tool-call answer to tool_calls with a null content', () => {
    const completion = convert(fixtureJson('vercel-ai_google-tool-call.json'));
    expect(schemaErrors.completion(completion)).toEqual([]);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 29, completion_tokens: 15 + 893, total_tokens: 937 });
  });

  it('maps the js-genai MAX_TOKENS answer to finish_reason length', () => {
    const [interaction] = recording(
      'Client_Tests_generateContent_ML_Dev_should_generate_content_with_specified_parameters',
    );
    const completion = convert(interaction!.segments[0], 'gemini-2.5-flash');
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.choices[0]!.message.content).toMatch(
      /^The sky is blue because of something called \*\*Rayleigh Scattering\*\*/,
    );
    expect(completion.usage).toEqual({ prompt_tokens: 7, completion_tokens: 149 + 48, total_tokens: 204 });
  });

  it('maps both turns of the js-genai function calling exchange', () => {
    const turns = recording('Chats_Tests_chats_function_calling_Google_AI_with_function_calling');
    const calls = turns.map((turn) => convert(turn.segments[0], 'gemini-2.0-flash'));
    for (const completion of calls) expect(schemaErrors.completion(completion)).toEqual([]);
    expect(calls.map((c) => JSON.parse(c.choices[0]!.message.tool_calls![0]!.function.arguments))).toEqual([
      { denominator: 2, numerator: 100 },
      { denominator: 2, numerator: 50 },
    ]);
    expect(calls.map((c) => c.choices[0]!.finish_reason)).toEqual(['tool_calls', 'tool_calls']);
    expect(calls[1]!.usage).toEqual({ prompt_tokens: 38, completion_tokens: 6, total_tokens: 44 });
  });
});

describe('fromGeminiResponse edge cases', () => {
  const withParts = (parts: unknown[], finishReason = 'STOP') => ({
    candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
    responseId: 'r1',
  });

  it('skips thought parts and joins the other text parts', () => {
    const completion = convert(
      withParts([{ text: 'Let me think about it...', thought: true }, { text: 'Hello' }, { text: ', world' }]),
    );
    expect(completion.choices[0]!.message.content).toBe('Hello, world');
  });

  it("numbers calls call_0, call_1 and keeps a functionCall's own id", () => {
    const completion = convert(
      withParts([
        { functionCall: { name: 'a', args: { x: 1 } } },
        { functionCall: { name: 'b' } },
        { functionCall: { id: 'fc-7', name: 'c', args: {} } },
      ]),
    );
    expect(schemaErrors.completion(completion)).toEqual([]);
    expect(
      completion.choices[0]!.message.tool_calls!.map((c) => [c.id, c.function.name, c.function.arguments]),
    ).toEqual([
      ['call_0', 'a', '{"x":1}'],
      ['call_1', 'b', '{}'],
      ['fc-7', 'c', '{}'],
    ]);
  });

  it.each(['SAFETY', 'RECITATION', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII'])(
    'maps %s to content_filter',
    (reason) => {
      const completion = convert({ candidates: [{ finishReason: reason, index: 0 }] });
      expect(schemaErrors.completion(completion)).toEqual([]);
      expect(completion.choices[0]!.finish_reason).toBe('content_filter');
      expect(completion.choices[0]!.message.content).toBeNull();
    },
  );

  it('gives one choice per candidate, in their index order', () => {
    const completion = convert({
      candidates: [
        { content: { parts: [{ text: 'one' }] }, finishReason: 'STOP', index: 0 },
        { content: { parts: [{ text: 'two' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
    });
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'one', 'stop'],
      [1, 'two', 'length'],
    ]);
    expect(completion.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
  });

  it('throws content_filter for a blocked prompt with no candidates', () => {
    const body = {
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
    };
    const error = catchError(() => convert(body));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'content_filter', upstreamCode: 'PROHIBITED_CONTENT' });
  });

  it('throws the matching ProviderError for an error body that came with a 200', () => {
    const body = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    expect(catchError(() => convert(body))).toMatchObject({ kind: 'server', status: 503, upstreamCode: 'UNAVAILABLE' });
  });

  it('throws a server error for an answer with neither candidates nor a block reason', () => {
    expect(catchError(() => convert({ usageMetadata: {} }))).toMatchObject({ kind: 'server' });
    expect(catchError(() => convert('not an object'))).toMatchObject({ kind: 'server' });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
