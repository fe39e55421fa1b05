// End to end: the Vercel AI SDK's default OpenAI provider (`createOpenAI({ baseURL, apiKey })`, whose models speak the
// Responses API) against the gateway, as against OpenAI: generateText, streamText, and a tool the model calls.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();
/** The bodies the SDK posted to the gateway, in order. */
const posted: Array<Record<string, unknown>> = [];
const provider = () =>
  createOpenAI({
    baseURL: `${fx.gw.url}/v1`,
    apiKey: 'sk-test-client',
    fetch: async (url, init) => {
      if (typeof init?.body === 'string') posted.push(JSON.parse(init.body) as Record<string, unknown>);
      return fetch(url, init);
    },
  });
type Sent = { messages: Array<Record<string, unknown>> } & Record<string, unknown>;
const sentTo = () => fx.fakes.alpha.requests.map((r) => r.body as Sent);

describe('Vercel AI SDK, default OpenAI provider', () => {
  it("generateText with openai('auto') calls POST /v1/responses and reads the answer and its usage", async () => {
    fx.fakes.alpha.queue({ type: 'text', text: 'Hello from Switchboard.', usage: { prompt: 9, completion: 4 } });
    const result = await generateText({
      model: provider()('auto'),
      system: 'You are terse.',
      prompt: 'Say hello.',
      maxOutputTokens: 64,
    });
    expect(result.text).toBe('Hello from Switchboard.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 9, outputTokens: 4, totalTokens: 13 });
    expect(result.response.id).toMatch(/^resp_/);
    expect(posted.at(-1)).toMatchObject({ model: 'auto', max_output_tokens: 64 });
    expect(sentTo().at(-1)!.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ]);
  });

  it('streamText streams the text as it comes and finishes with the usage', async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: 'One, two, three.',
      chunks: ['One, ', 'two, ', 'three.'],
      usage: { prompt: 5, completion: 3 },
    });
    const result = streamText({ model: provider()('auto'), prompt: 'Count to three.' });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces).toEqual(['One, ', 'two, ', 'three.']);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 5, outputTokens: 3 });
  });

  it('runs a tool the model calls, then sends its result back and gets the answer', async () => {
    fx.fakes.alpha.queue(
      {
        type: 'text',
        text: 'Let me look.',
        toolCalls: [{ id: 'call_t1', name: 'weather', arguments: '{"city":"Oslo"}' }],
      },
      { type: 'text', text: 'It is 3 degrees in Oslo.' },
    );
    const cities: string[] = [];
    const result = await generateText({
      model: provider()('auto'),
      prompt: 'How cold is Oslo?',
      tools: {
        weather: tool({
          description: 'The temperature in a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            cities.push(city);
            return { celsius: 3 };
          },
        }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(cities).toEqual(['Oslo']);
    expect(result.text).toBe('It is 3 degrees in Oslo.');
    expect(result.steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
    // The second step sent the assistant's text as an item_reference to the stored first response (the SDK's default,
    // store being on), its call, and the tool's result.
    expect(posted.at(-1)!['input']).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
    expect(sentTo().at(-1)!.messages).toEqual([
      { role: 'user', content: 'How cold is Oslo?' },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [{ id: 'call_t1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_t1', content: '{"celsius":3}' },
    ]);
  });

  it('streams text and a tool call, then the answer after the result', async () => {
    fx.fakes.alpha.queue(
      {
        type: 'text',
        text: 'Checking.',
        toolCalls: [{ id: 'call_t2', name: 'weather', arguments: '{"city":"Lima"}' }],
      },
      { type: 'text', text: 'Lima is mild.' },
    );
    const result = streamText({
      model: provider()('auto'),
      prompt: 'Lima?',
      tools: {
        weather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async () => ({ celsius: 19 }),
        }),
      },
      stopWhen: stepCountIs(3),
    });
    const calls: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-call') calls.push(part.input);
    expect(calls).toEqual([{ city: 'Lima' }]);
    expect(await result.text).toBe('Lima is mild.');
    // The streamed first response was stored before its last event: the next step's reference to it resolved.
    expect(posted.at(-1)!['input']).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
  });
});
