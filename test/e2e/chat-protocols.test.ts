// End to end through each wire protocol with the official openai client: whole answers, streams, tools, usage, headers.
import { beforeEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { startTestGateway, type TestGateway, type ThreeProtocols, useThreeProtocolGateway } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;

const chat = useThreeProtocolGateway();
beforeEach(() => void ({ fakes, gw } = chat));

const cases = [
  { provider: 'alpha', model: 'alpha/alpha-chat', fake: () => fakes.alpha },
  { provider: 'beta', model: 'beta/beta-chat', fake: () => fakes.beta },
  { provider: 'gamma', model: 'gamma/gamma-chat', fake: () => fakes.gamma },
] as const;

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe.each(cases)('through $provider', ({ provider, model, fake }) => {
  it('answers a whole completion in OpenAI shape, with the routing headers', async () => {
    fake().queue({ type: 'text', text: `Hi from ${provider}`, usage: { prompt: 11, completion: 4 } });
    const { data, response } = await gw.client.chat.completions
      .create({
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hi' },
        ],
      })
      .withResponse();
    expect(schemaErrors.completion(data)).toEqual([]);
    expect(data.choices[0]!.message.content).toBe(`Hi from ${provider}`);
    expect(data.model).toBe(model);
    expect(data.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
    expect(response.headers.get('x-switchboard-provider')).toBe(provider);
    expect(response.headers.get('x-switchboard-model')).toBe(model);
    expect(response.headers.get('x-switchboard-attempts')).toBe('1');
    expect(response.headers.get('x-switchboard-run-id')).toMatch(/^run_/);
    expect(fake().requests).toHaveLength(1);
  });

  it('streams tokens in order, with a usage chunk only when asked', async () => {
    fake().queue({ type: 'text', text: 'one two three four', usage: { prompt: 5, completion: 4 } });
    const stream = await gw.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three four');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
    expect(chunks.every((c) => c.model === model)).toBe(true);

    fake().queue({ type: 'text', text: 'no usage please' });
    const plain = await gw.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.some((c) => c.usage)).toBe(false);
    expect(plainChunks.every((c) => c.choices.length === 1)).toBe(true);
  });

  it('round-trips a tool call: the call comes back, and the tool result reaches the upstream', async () => {
    fake().queue({
      type: 'text',
      text: '',
      toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const first = await gw.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    expect(schemaErrors.completion(first)).toEqual([]);
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    fake().queue({ type: 'text', text: 'It is sunny in Paris.' });
    const second = await gw.client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: call.id, content: '{"sky":"sunny"}' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('It is sunny in Paris.');
    const sent = JSON.stringify(fake().requests.at(-1)!.body);
    expect(sent).toContain('get_weather');
    expect(sent).toContain('sunny');
    expect(sent).toContain('Paris');
  });

  it('streams a tool call as deltas that add up to the call', async () => {
    fake().queue({
      type: 'text',
      text: '',
      toolCalls: [{ id: 'call_w2', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    });
    const stream = await gw.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(schemaErrors.chunk(chunk)).toEqual([]);
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += delta.function?.name ?? '';
        args += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Oslo' });
    expect(finish).toBe('tool_calls');
  });
});

describe('models and health', () => {
  it('lists every enabled model as provider/model, plus auto, in OpenAI shape', async () => {
    const res = await fetch(`${gw.url}/v1/models`);
    const body = await res.json();
    expect(schemaErrors.models(body)).toEqual([]);
    const ids = (await gw.client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(['auto', 'alpha/alpha-chat', 'beta/beta-chat', 'gamma/gamma-chat']);
    expect((await gw.client.models.retrieve('beta/beta-chat')).owned_by).toBe('beta');
  });

  it('reports health with the counts of what is enabled', async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', providers: 3, models: 3 });
  });

  it('is live, and ready with providers usable and its stores answering', async () => {
    expect(await (await fetch(`${gw.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gw.url}/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'ready', providers: { enabled: 3, usable: 3 }, stores: { reachable: true } },
    ]);
  });

  it('is not ready without a provider to call, though live', async () => {
    const empty = await startTestGateway({});
    try {
      const ready = await fetch(`${empty.url}/health/ready`);
      expect([ready.status, await ready.json()]).toEqual([
        503,
        { status: 'unavailable', providers: { enabled: 0, usable: 0 }, stores: { reachable: true } },
      ]);
      expect((await fetch(`${empty.url}/health/live`)).status).toBe(200);
    } finally {
      await empty.close();
    }
  });
});
