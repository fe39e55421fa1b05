// End to end: LangChain's ChatAnthropic pointed at the gateway (anthropicApiUrl), asking for a claude model that the
// alias table maps to auto: invoke, stream, and bindTools with a tool call and its result sent back.
import { ChatAnthropic } from '@langchain/anthropic';
import { type AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_TEXT } from '../fakes/fake-upstream.js';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();
const chat = () =>
  new ChatAnthropic({ model: 'claude-sonnet-4-5', anthropicApiUrl: fx.gw.url, apiKey: 'sk-ant-test', maxRetries: 0 });

/** The OpenAI body the upstream that answered (alpha ranks first for auto) received last. */
const sentToAlpha = () => fx.fakes.alpha.requests.at(-1)!.body as Record<string, any>;

describe('LangChain ChatAnthropic against /v1/messages', () => {
  it('invokes', async () => {
    const answer = await chat().invoke([new HumanMessage('Hello?')]);
    expect(answer.content).toBe(DEFAULT_TEXT);
    expect(answer.usage_metadata?.output_tokens).toBeGreaterThan(0);
    expect(sentToAlpha().messages).toEqual([{ role: 'user', content: 'Hello?' }]);
  });

  it('streams', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: 'one two three four' });
    const pieces: string[] = [];
    for await (const chunk of await chat().stream('Count.')) {
      if (typeof chunk.content === 'string') pieces.push(chunk.content);
    }
    expect(pieces.filter((p) => p !== '').length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('one two three four');
  });

  it('binds tools, gets a tool call, and sends its result back', async () => {
    const weather = {
      name: 'get_weather',
      description: 'The weather in a city',
      schema: z.object({ city: z.string() }),
    };
    const model = chat().bindTools([weather]);
    fx.fakes.alpha.queue({
      type: 'text',
      text: '',
      toolCalls: [{ id: 'call_7', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    });
    const ask = new HumanMessage('Weather in Oslo?');
    const first = (await model.invoke([ask])) as AIMessage;
    expect(first.tool_calls).toEqual([
      expect.objectContaining({ id: 'call_7', name: 'get_weather', args: { city: 'Oslo' } }),
    ]);
    expect(sentToAlpha().tools[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });

    fx.fakes.alpha.queue({ type: 'text', text: 'Snowing in Oslo.' });
    const second = await model.invoke([ask, first, new ToolMessage({ tool_call_id: 'call_7', content: 'snow, -3 C' })]);
    expect(second.content).toBe('Snowing in Oslo.');
    expect(sentToAlpha().messages.slice(1)).toEqual([
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [
          { id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      }),
      { role: 'tool', tool_call_id: 'call_7', content: 'snow, -3 C' },
    ]);
  });
});
