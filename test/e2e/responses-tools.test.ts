// End to end: function tools on POST /v1/responses with the official openai client: a call round trip
// (function_call, then function_call_output with previous_response_id), streamed calls, and the SDK's
// responses.stream helper; every body and stream event checked against the spec's schemas.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();

type ChatBody = { messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }> };
const lastSent = () => fx.fakes.alpha.requests.at(-1)!.body as ChatBody & Record<string, unknown>;

const WEATHER: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};

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
  return events;
}

describe('function tools', () => {
  it('round-trips a call: the model calls, the client answers with function_call_output, the model answers', async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const first = await fx.gw.client.responses.create({
      model: 'auto',
      input: 'Weather in Paris?',
      tools: [WEATHER],
      tool_choice: 'auto',
    });
    expect(schemaErrors.response(first)).toEqual([]);
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(lastSent()['tools']).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'The weather in a city',
          parameters: WEATHER.parameters,
          strict: true,
        },
      },
    ]);
    fx.fakes.alpha.queue({ type: 'text', text: 'It is sunny in Paris.' });
    const second = await fx.gw.client.responses.create({
      model: 'auto',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'call_w1', output: '{"sky":"sunny"}' }],
      tools: [WEATHER],
    });
    expect(second.output_text).toBe('It is sunny in Paris.');
    expect(second.previous_response_id).toBe(first.id);
    expect(lastSent().messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"sky":"sunny"}' },
    ]);
  });

  it('streams a call as function_call_arguments deltas and a done event with the whole arguments', async () => {
    const args = '{"city":"Reykjavik"}';
    fx.fakes.alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [{ id: 'call_s1', name: 'get_weather', arguments: args }],
    });
    const events = await streamEvents({ model: 'auto', input: 'Weather?', tools: [WEATHER], tool_choice: 'required' });
    const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((e) => e.delta).join('')).toBe(args);
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(done).toMatchObject({ name: 'get_weather', arguments: args });
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'call_s1' })]);
    expect(lastSent()['tool_choice']).toBe('required');
  });

  it("works with the SDK's responses.stream helper, whose snapshot follows every event", async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: 'Checking.',
      toolCalls: [{ id: 'call_h1', name: 'get_weather', arguments: '{"city":"Rome"}' }],
    });
    const stream = fx.gw.client.responses.stream({ model: 'auto', input: 'Rome?', tools: [WEATHER] });
    const snapshots: string[] = [];
    stream.on('response.output_text.delta', (event) => snapshots.push(event.snapshot));
    const final = await stream.finalResponse();
    expect(snapshots.at(-1)).toBe('Checking.');
    expect(final.output_text).toBe('Checking.');
    expect(final.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(final.output[1]).toMatchObject({ call_id: 'call_h1', arguments: '{"city":"Rome"}' });
  });
});
