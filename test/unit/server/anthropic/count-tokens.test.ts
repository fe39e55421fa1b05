// The input-token estimate of count_tokens and message_start: text, tool calls and results, tools, images.
import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../../../src/server/anthropic/count-tokens.js';
import { CountTokensSchema } from '../../../../src/server/anthropic/schema.js';

const estimate = (body: Record<string, unknown>) =>
  estimateInputTokens(CountTokensSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }));

describe('estimateInputTokens', () => {
  it('counts the system prompt, tools, tool calls and results, and about 1,600 tokens an image', () => {
    const base = estimate({});
    expect(estimate({ system: 'You are a careful assistant who answers briefly.' })).toBeGreaterThan(base + 5);
    const tool = { name: 'get_weather', description: 'The weather', input_schema: { type: 'object' } };
    expect(estimate({ tools: [tool] })).toBeGreaterThan(base + 5);
    const image = { type: 'image', source: { type: 'url', url: 'https://x/y.png' } };
    expect(estimate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, image] }] })).toBe(
      base + 1_600,
    );
    const turns = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'lookup', input: { q: 'weather in Paris' } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'sunny' }] }],
      },
    ];
    expect(estimate({ messages: turns })).toBeGreaterThan(base + 2 * 4 + 5);
  });
});
