import { describe, expect, it } from 'vitest';
import { geminiError } from '../../../../src/providers/gemini/errors.js';
import { fromGeminiResponse } from '../../../../src/providers/gemini/from-wire.js';
import { fromGeminiStream } from '../../../../src/providers/gemini/stream.js';
import type { RecordedRequest, TextReply } from '../../../fakes/fake-upstream.js';
import { geminiWire } from '../../../fakes/gemini-wire.js';
import { body, collect, now, streamedText } from './wire-fixtures.js';

const request = (path: string, method = 'POST'): RecordedRequest => ({
  method,
  path,
  headers: {},
  body: { contents: [{ role: 'user', parts: [{ text: 'hello there' }] }] },
  aborted: false,
});
const chatReq = request('/v1beta/models/gemini-2.5-flash:generateContent');
const streamReq = request('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');

describe('geminiWire (the fake Gemini renderer)', () => {
  it('tells streams from plain calls by the method in the path', () => {
    expect(geminiWire.isStream(streamReq)).toBe(true);
    expect(geminiWire.isStream(chatReq)).toBe(false);
  });

  it.each([
    ['stop', 'STOP', 'stop'],
    ['length', 'MAX_TOKENS', 'length'],
    ['content_filter', 'SAFETY', 'content_filter'],
  ] as const)('renders finishReason %s as %s, which reads back as %s', (reason, wire, openai) => {
    const reply: TextReply = {
      type: 'text',
      text: reason === 'content_filter' ? '' : 'Some text',
      finishReason: reason,
    };
    const rendered = geminiWire.complete(reply, chatReq) as any;
    expect(rendered.candidates[0].finishReason).toBe(wire);
    expect(rendered.modelVersion).toBe('gemini-2.5-flash');
    expect(fromGeminiResponse(rendered, { now, model: 'm' }).choices[0]!.finish_reason).toBe(openai);
  });

  it('frames stream events as data: <json> CRLF CRLF, with finishReason and final usage on the last one only', async () => {
    const reply: TextReply = {
      type: 'text',
      text: 'one two',
      toolCalls: [{ name: 'f', arguments: '{"a":1}' }],
      usage: { prompt: 3, completion: 9 },
    };
    const events = geminiWire.streamEvents(reply, streamReq);
    expect(events).toHaveLength(3);
    for (const event of events) expect(event).toMatch(/^data: \{.*\}\r\n\r\n$/s);
    const parsed = events.map((e) => JSON.parse(e.slice(6)));
    expect(parsed.map((p) => p.candidates[0].finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(parsed.at(-1).usageMetadata).toMatchObject({
      promptTokenCount: 3,
      candidatesTokenCount: 9,
      totalTokenCount: 12,
    });
    expect(new Set(parsed.map((p) => p.responseId)).size).toBe(1);
    const { chunks, error } = await collect(fromGeminiStream(body(events.join('')), { now, model: 'm' }));
    expect(error).toBeUndefined();
    expect(streamedText(chunks)).toBe('one two');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it.each([
    [400, 'INVALID_ARGUMENT', 'bad_request'],
    [403, 'PERMISSION_DENIED', 'auth'],
    [404, 'NOT_FOUND', 'bad_request'],
    [429, 'RESOURCE_EXHAUSTED', 'rate_limit'],
    [500, 'INTERNAL', 'server'],
    [503, 'UNAVAILABLE', 'server'],
  ] as const)('renders a %i error with status %s, read back as %s', (code, status, kind) => {
    const rendered = geminiWire.errorBody(code, 'boom') as any;
    expect(rendered.error).toMatchObject({ code, message: 'boom', status });
    expect(geminiError(code, rendered).kind).toBe(kind);
  });

  it('lists models only for GET .../models, paged by pageSize and pageToken', () => {
    const models = ['a', 'b', 'c'];
    expect(geminiWire.modelList(chatReq, models)).toBeUndefined();
    const first = geminiWire.modelList(request('/v1beta/models?pageSize=2', 'GET'), models) as any;
    expect(first.models.map((m: any) => m.name)).toEqual(['models/a', 'models/b']);
    const second = geminiWire.modelList(
      request(`/v1beta/models?pageSize=2&pageToken=${first.nextPageToken}`, 'GET'),
      models,
    ) as any;
    expect(second).toEqual({ models: [expect.objectContaining({ name: 'models/c' })] });
  });
});
