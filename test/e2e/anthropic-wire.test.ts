// End to end, on the wire: the door's bodies and event streams hold every field of the payloads Anthropic's API sent
// in recordings (test/fixtures/wire/anthropic, see its SOURCES.md), in the same order of
// events, so a client that reads what the real API sends finds it here too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useThreeProtocolGateway } from './harness.js';

const fx = useThreeProtocolGateway();
const FIXTURES = path.join(import.meta.dirname, '../fixtures/wire/anthropic');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Every key path of a JSON value (`usage.input_tokens`, `content[].type`), leaving out what a tool's input holds. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = prefix === '' ? key : `${prefix}.${key}`;
    return key === 'input' ? [at] : [at, ...keyPaths(item, at)];
  });
}

/** The events of an SSE text: each `data:` parsed. */
function sseEvents(text: string): Array<{ type: string } & Record<string, unknown>> {
  return text
    .split(/\n\n+/)
    .map((frame) => frame.split('\n').find((line) => line.startsWith('data:')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice(5)));
}

/** What kind of event: its type, and the type of the block it starts or of its delta. */
function kind(event: Record<string, unknown>): string {
  const block = event['content_block'] as { type?: string } | undefined;
  const delta = event['delta'] as { type?: string } | undefined;
  return [event['type'], block?.type, delta?.type].filter(Boolean).join(':');
}

/** Event types in order, runs of one type collapsed. */
const shape = (events: Array<{ type: string }>) =>
  events.map((e) => e.type).filter((type, i, all) => i === 0 || all[i - 1] !== type);

async function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${fx.gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'alpha/alpha-chat', max_tokens: 100, ...body }),
  });
}

const ask = { messages: [{ role: 'user', content: 'Weather in Paris?' }] };
const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }];

describe('the wire of /v1/messages against recorded Anthropic payloads', () => {
  it('a text answer has every field of a recorded one', async () => {
    const ours = await (await post(ask)).json();
    const recorded = JSON.parse(fixture('vercel-ai_anthropic-text.json'));
    expect(keyPaths(recorded).filter((p) => !keyPaths(ours).includes(p))).toEqual([]);
  });

  it('a tool answer has every field of a recorded one', async () => {
    fx.fakes.alpha.queue({ type: 'text', text: '', toolCalls: [{ name: 'json', arguments: '{"elements":[]}' }] });
    const ours = (await (await post({ ...ask, tools })).json()) as { stop_reason: string };
    const recorded = JSON.parse(fixture('vercel-ai_anthropic-json-tool.1.json'));
    expect(keyPaths(recorded).filter((p) => !keyPaths(ours).includes(p))).toEqual([]);
    expect(ours.stop_reason).toBe(recorded.stop_reason);
  });

  it('a stream of text and a tool call has the recorded events, in order, each with every recorded field', async () => {
    fx.fakes.alpha.queue({
      type: 'text',
      text: "I'll check the weather.",
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location": "Paris"}' }],
    });
    const res = await post({ ...ask, tools, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const ours = sseEvents(text);
    const recorded = sseEvents(fixture('anthropic-sdk-ts_tool_use_response.sse'));
    expect(shape(ours)).toEqual(shape(recorded));
    // Every frame names its event, as the SDKs require (they skip frames without one).
    for (const frame of text.split(/\n\n+/).filter((f) => f.trim() !== '')) expect(frame).toMatch(/^event: [a-z_]+\n/);
    for (const event of recorded) {
      const like = ours.find((o) => kind(o) === kind(event));
      expect(like, kind(event)).toBeDefined();
      expect(
        keyPaths(event).filter((p) => !keyPaths(like).includes(p)),
        kind(event),
      ).toEqual([]);
    }
  });

  it('a plain text stream has the events of a recorded one', async () => {
    const ours = sseEvents(await (await post({ ...ask, stream: true })).text());
    expect(shape(ours)).toEqual(shape(sseEvents(fixture('anthropic-sdk-ts_basic_response.sse'))));
  });

  it("serves a request shaped like Claude Code's (beta query and headers, cache_control, thinking, metadata)", async () => {
    const res = await fetch(`${fx.gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-anything',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
        'x-app': 'cli',
      },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5-20250929',
        max_tokens: 8192,
        stream: true,
        temperature: 1,
        metadata: { user_id: 'user_abc_account__session_123' },
        thinking: { type: 'enabled', budget_tokens: 4000 },
        system: [
          { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Use the tools.', cache_control: { type: 'ephemeral' } },
        ],
        tools: [
          {
            name: 'Bash',
            description: 'Runs a command',
            input_schema: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: { command: { type: 'string' } },
              required: ['command'],
              additionalProperties: false,
            },
          },
        ],
        messages: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'List the files.', cache_control: { type: 'ephemeral' } }],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text());
    expect(events.at(-1)?.type).toBe('message_stop');
    expect(fx.fakes.alpha.requests.at(-1)!.body.messages[0]).toEqual({
      role: 'system',
      content: 'You are Claude Code.\n\nUse the tools.',
    });
  });
});
