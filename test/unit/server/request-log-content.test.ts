// Content logging's text: the prompt as role-prefixed lines cut to a length, the opt-out header.
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { logsContent, promptText, truncate } from '../../../src/server/request-log/content.js';

const request = (header?: string) =>
  ({ get: (name: string) => (name === 'x-switchboard-log-content' ? header : undefined) }) as Request;

describe('content logging', () => {
  it('is on only when the config says so and the request did not send x-switchboard-log-content: off', () => {
    const on = { enabled: true, maxChars: 10 };
    expect(logsContent(on, request())).toBe(true);
    expect(logsContent(on, request(' OFF '))).toBe(false);
    expect(logsContent(on, request('on'))).toBe(true);
    expect(logsContent({ enabled: false, maxChars: 10 }, request('on'))).toBe(false);
  });

  it('writes the messages as role: text lines, images and tool calls by name, cut with an ellipsis', () => {
    const messages = [
      { role: 'system' as const, content: 'be brief' },
      {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: 'what is' },
          { type: 'image_url' as const, image_url: { url: 'data:x' } },
        ],
      },
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'look', arguments: '{}' } }],
      },
    ];
    expect(promptText(messages, 1_000)).toBe('system: be brief\nuser: what is [image]\nassistant: [calls look]');
    expect(promptText(messages, 12)).toBe('system: be b…');
    expect(truncate('short', 5)).toBe('short');
  });

  it('reads a huge prompt only up to the limit', () => {
    const huge = 'x'.repeat(5_000_000);
    expect(
      promptText(
        [
          { role: 'user', content: huge },
          { role: 'user', content: huge },
        ],
        20,
      ),
    ).toBe(`user: ${'x'.repeat(14)}…`);
  });
});
