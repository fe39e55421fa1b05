// End to end: POST /v1/responses with the official openai client (responses.create, streamed and not),
// previous_response_id over several turns, GET and DELETE of stored responses; every body and stream event checked
// against the Responses schemas of OpenAI's OpenAPI spec. Function tools: responses-tools.test.ts.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();

type ChatBody = { messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }> };
const lastSent = () => fx.fakes.alpha.requests.at(-1)!.body as ChatBody & Record<string, unknown>;

/** Every event of a streamed create, each checked against the spec, in order. */
async function streamEvents(params: Record<string, unknown>): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const stream = await fx.gw.client.responses.create({
    ...params,
    stream: true,
  } as OpenAI.Responses.ResponseCreateParamsStreaming);
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) {
    expect(schemaErrors.responseEvent(event), event.type).toEqual([]);
    events.push(event);
  }
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  return events;
}

describe('POST /v1/responses', () => {
  it('answers a string input with a response object the spec accepts, and runs it as a chat request', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: 'Paris is the capital.', usage: { prompt: 12, completion: 5 } });
    const response = await fx.gw.client.responses.create({
      model: 'alpha/alpha-chat',
      instructions: 'Answer briefly.',
      input: 'What is the capital of France?',
      max_output_tokens: 100,
      temperature: 0.2,
    });
    expect(schemaErrors.response(response)).toEqual([]);
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'alpha/alpha-chat' });
    expect(response.output_text).toBe('Paris is the capital.');
    expect(response.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 17,
    });
    const sent = lastSent();
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'What is the capital of France?' },
    ]);
    expect(sent).toMatchObject({ max_tokens: 100, temperature: 0.2 });
  });

  it('streams the Responses events in order, ending with response.completed and its usage', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: 'One two three.', usage: { prompt: 7, completion: 3 } });
    const events = await streamEvents({ model: 'auto', input: [{ role: 'user', content: 'Count.' }] });
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.response.output_text ?? done.response.output).toBeTruthy();
    expect(done.response.output[0]).toMatchObject({ type: 'message', status: 'completed' });
    expect(done.response.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(lastSent()).toMatchObject({ stream: true });
  });

  it('says incomplete (max_output_tokens) when the answer was cut, streamed and not', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: 'A long', finishReason: 'length' });
    const whole = await fx.gw.client.responses.create({ model: 'auto', input: 'Go on.', max_output_tokens: 16 });
    expect(whole).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(schemaErrors.response(whole)).toEqual([]);
    fx.fakes.alpha.queue({ type: 'text', text: 'A long', finishReason: 'length' });
    const events = await streamEvents({ model: 'auto', input: 'Go on.', max_output_tokens: 16 });
    const last = events.at(-1) as OpenAI.Responses.ResponseIncompleteEvent;
    expect(last.type).toBe('response.incomplete');
    expect(last.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('maps text.format json_schema to the chat response_format', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: '{"city":"Paris"}' });
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const response = await fx.gw.client.responses.create({
      model: 'auto',
      input: 'Which city?',
      text: { format: { type: 'json_schema', name: 'city', schema, strict: true } },
    });
    expect(response.text?.format).toMatchObject({ type: 'json_schema', name: 'city' });
    expect(lastSent()['response_format']).toEqual({
      type: 'json_schema',
      json_schema: { name: 'city', schema, strict: true },
    });
  });
});

describe('stored responses', () => {
  it('replays the conversation over several turns with previous_response_id', async () => {
    fx.fakes.alpha.queue(
      { type: 'text', text: 'Hi Ada.' },
      { type: 'text', text: 'Noted.' },
      { type: 'text', text: 'Ada.' },
    );
    const one = await fx.gw.client.responses.create({ model: 'auto', input: 'I am Ada.' });
    const two = await fx.gw.client.responses.create({
      model: 'auto',
      previous_response_id: one.id,
      input: 'I like tea.',
    });
    await fx.gw.client.responses.create({
      model: 'auto',
      previous_response_id: two.id,
      instructions: 'Be short.',
      input: 'Who am I?',
    });
    expect(lastSent().messages).toEqual([
      { role: 'system', content: 'Be short.' },
      { role: 'user', content: 'I am Ada.' },
      { role: 'assistant', content: 'Hi Ada.' },
      { role: 'user', content: 'I like tea.' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'Who am I?' },
    ]);
  });

  it('gets and deletes a stored response; a deleted, unknown or unstored one is a 404', async () => {
    const made = await fx.gw.client.responses.create({ model: 'auto', input: 'Keep this.' });
    const got = await fx.gw.client.responses.retrieve(made.id);
    expect(schemaErrors.response(got)).toEqual([]);
    expect(got).toMatchObject({ id: made.id, status: 'completed', store: true });
    expect(got.output).toEqual(made.output);
    const deleted = await fx.gw.client.responses.delete(made.id).asResponse();
    expect(await deleted.json()).toEqual({ id: made.id, object: 'response', deleted: true });
    for (const id of [made.id, 'resp_unknown']) {
      const res = await fetch(`${fx.gw.url}/v1/responses/${id}`);
      expect(res.status).toBe(404);
      expect(schemaErrors.error(await res.json())).toEqual([]);
    }
    const unstored = await fx.gw.client.responses.create({ model: 'auto', input: 'Forget this.', store: false });
    expect(unstored).toMatchObject({ store: false });
    expect((await fetch(`${fx.gw.url}/v1/responses/${unstored.id}`)).status).toBe(404);
    const next = fx.gw.client.responses.create({ model: 'auto', previous_response_id: unstored.id, input: 'And?' });
    await expect(next).rejects.toMatchObject({ status: 404, param: 'previous_response_id' });
  });
});
