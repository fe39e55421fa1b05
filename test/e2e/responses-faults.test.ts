// End to end: the Responses door when upstreams fail: a fallback to the next model (whole and streamed), a stream
// broken mid-way and continued by the next model, and one no model can continue (response.failed, stored as failed).
import type OpenAI from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { type TestGateway, type ThreeProtocols, useThreeProtocolGateway } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
const fx = useThreeProtocolGateway({ timeouts: { connectMs: 1_000, firstByteMs: 400, idleMs: 400 } });
beforeEach(() => void ({ fakes, gw } = fx));

const WORDS = ['The quick ', 'brown fox ', 'jumps over ', 'the lazy ', 'dog.'];

/** A streamed create's events, each checked against the spec. */
async function events(params: Record<string, unknown>): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const stream = await gw.client.responses.create({
    ...params,
    stream: true,
  } as OpenAI.Responses.ResponseCreateParamsStreaming);
  const out: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) {
    expect(schemaErrors.responseEvent(event), event.type).toEqual([]);
    out.push(event);
  }
  return out;
}

const textOf = (all: OpenAI.Responses.ResponseStreamEvent[]) =>
  all.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');

describe('fallback on the Responses door', () => {
  it('answers from the next model when the first one fails', async () => {
    fakes.alpha.queue({ type: 'error', status: 500 });
    fakes.beta.queue({ type: 'text', text: 'beta saves the day' });
    const { data, response } = await gw.client.responses.create({ model: 'auto', input: 'hello' }).withResponse();
    expect(data.output_text).toBe('beta saves the day');
    expect(data.model).toBe('beta/beta-chat');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(fakes.alpha.requests).toHaveLength(1);
  });

  it('streams from the next model when the first one breaks before its first token', async () => {
    fakes.alpha.queue({ type: 'text', text: 'never seen', failAfterEvents: { count: 0, how: 'break' } });
    fakes.beta.queue({ type: 'text', text: 'streamed by beta' });
    const all = await events({ model: 'auto', input: 'hello' });
    expect(textOf(all)).toBe('streamed by beta');
    expect(all.at(-1)).toMatchObject({ type: 'response.completed', response: { model: 'beta/beta-chat' } });
  });

  it('continues a stream broken mid-way on the next model: one answer, no gap, no repeat', async () => {
    fakes.alpha.queue({
      type: 'text',
      text: WORDS.join(''),
      chunks: WORDS,
      failAfterEvents: { count: 3, how: 'break' },
    });
    fakes.beta.queue({ type: 'text', text: 'jumps over the lazy dog.' });
    const all = await events({ model: 'alpha/alpha-chat', models: ['beta/beta-chat'], input: 'Say the pangram.' });
    expect(textOf(all)).toBe('The quick brown fox jumps over the lazy dog.');
    const done = all.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.type).toBe('response.completed');
    expect(done.response.output).toHaveLength(1);
    expect(done.response.model).toBe('beta/beta-chat');
  });

  it('ends with response.failed when the stream breaks and no model can continue, and stores it as failed', async () => {
    fakes.alpha.queue({
      type: 'text',
      text: 'a b c d e f',
      chunks: ['a ', 'b ', 'c ', 'd ', 'e ', 'f'],
      failAfterEvents: { count: 3, how: 'break' },
    });
    // A pinned model: no candidate is left to continue the answer.
    const all = await events({ model: 'alpha/alpha-chat', input: 'x' });
    const last = all.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(last.type).toBe('response.failed');
    expect(last.response.status).toBe('failed');
    expect(last.response.error).toMatchObject({ code: 'server_error', message: expect.stringContaining('mid-stream') });
    expect(textOf(all).length).toBeGreaterThan(0);
    expect(all.some((e) => e.type === 'response.completed')).toBe(false);
    expect(fakes.beta.requests).toHaveLength(0);
    const stored = await gw.client.responses.retrieve(last.response.id);
    expect(stored.status).toBe('failed');
    expect(schemaErrors.response(stored)).toEqual([]);
  });

  it('answers an empty answer (nothing in it, or only white space; streamed or not) with the 502 of a failed model, not an empty response', async () => {
    // Each protocol's own empty answer: no text (or white space), no tool call, a stop.
    for (const [fake, model] of [
      [fakes.alpha, 'alpha/alpha-chat'],
      [fakes.beta, 'beta/beta-chat'],
      [fakes.gamma, 'gamma/gamma-chat'],
    ] as const) {
      for (const text of ['', '\n\n  ']) {
        for (const stream of [false, true]) {
          fake.queue({ type: 'text', text });
          const failed = await gw.client.responses.create({ model, input: 'hello', stream }).then(
            () => undefined,
            (e: unknown) => e,
          );
          const label = `${model}, ${JSON.stringify(text)}, stream ${stream}`;
          expect(failed, label).toMatchObject({ status: 502, code: 'upstream_error' });
        }
      }
    }
  });

  it('answers an error in OpenAI shape, before any event, when every model fails', async () => {
    for (const fake of [fakes.alpha, fakes.beta, fakes.gamma]) fake.setFallback({ type: 'error', status: 503 });
    const res = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', input: 'hello', stream: true }),
    });
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { error: unknown };
    expect(res.status).toBe(502);
    expect(schemaErrors.error(body)).toEqual([]);
    expect(body.error).toMatchObject({ type: 'server_error', code: 'upstream_error' });
  });
});
