// Replays recorded Anthropic Messages streams, cut at awkward byte offsets, through fromAnthropicStream.
import { describe, expect, it } from 'vitest';
import { isProviderError, type ProviderError } from '../../../../src/providers/errors.js';
import { fromAnthropicStream } from '../../../../src/providers/anthropic/stream.js';
import type { ChatCompletionChunk, FinishReason, Usage } from '../../../../src/providers/types.js';
import { SPLITS, body, collect, fixture, jsonlToSse, reassemble, sseEvent, type Split } from './replay.js';

const NOW = 1_750_000_000_000;
const options = { now: () => NOW, model: 'asked-for-model' };

function run(wire: string, split?: Split): Promise<ChatCompletionChunk[]> {
  return collect(fromAnthropicStream(body(wire, split), options));
}

async function failure(wire: string, split?: Split): Promise<{ error: ProviderError; chunks: ChatCompletionChunk[] }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of fromAnthropicStream(body(wire, split), options)) chunks.push(chunk);
  } catch (error) {
    if (!isProviderError(error)) throw error;
    return { error, chunks };
  }
  throw new Error('the stream did not fail');
}

interface Expected {
  id: string;
  model: string;
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finish: FinishReason;
  usage: Usage;
}

const TAX_ARGS =
  '{"filename": "taxes.txt", "lines_of_text": [\n"# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s",\n"",\n"## INTRODUCTION",\n"",\n"Filing taxes';

const CASES: Record<string, { wire: () => string; expected: Expected }> = {
  'anthropic-sdk-ts_basic_response.sse': {
    wire: () => fixture('anthropic-sdk-ts_basic_response.sse'),
    expected: {
      id: 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK',
      model: 'claude-3-opus-20240229',
      text: 'Hello there!',
      toolCalls: [],
      finish: 'stop',
      usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 },
    },
  },
  'anthropic-sdk-ts_tool_use_response.sse': {
    wire: () => fixture('anthropic-sdk-ts_tool_use_response.sse'),
    expected: {
      id: 'msg_019Q1hrJbZG26Fb9BQhrkHEr',
      model: 'claude-sonnet-4-20250514',
      text: "I'll check the current weather in Paris for you.",
      toolCalls: [{ id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', arguments: '{"location": "Paris"}' }],
      finish: 'tool_calls',
      usage: { prompt_tokens: 377, completion_tokens: 65, total_tokens: 442 },
    },
  },
  'anthropic-sdk-ts_incomplete_partial_json_response.sse': {
    wire: () => fixture('anthropic-sdk-ts_incomplete_partial_json_response.sse'),
    expected: {
      id: 'msg_01UdjYBBipA9omjYhicnevgq',
      model: 'claude-3-7-sonnet-20250219',
      text: "I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called taxes.txt. Let me do that for you now.",
      toolCalls: [{ id: 'toolu_01EKqbqmZrGRXy18eN7m9kvY', name: 'make_file', arguments: TAX_ARGS }],
      finish: 'length',
      usage: { prompt_tokens: 450, completion_tokens: 124, total_tokens: 574 },
    },
  },
  'vercel-ai_anthropic-text.chunks.jsonl': {
    wire: () => jsonlToSse(fixture('vercel-ai_anthropic-text.chunks.jsonl')),
    expected: {
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      model: 'claude-sonnet-4-5-20250929',
      text: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
      toolCalls: [],
      finish: 'stop',
      usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 },
    },
  },
  'vercel-ai_anthropic-json-tool.1.chunks.jsonl': {
    wire: () => jsonlToSse(fixture('vercel-ai_anthropic-json-tool.1.chunks.jsonl')),
    expected: {
      id: 'msg_01K2JbSUMYhez5RHoK9ZCj9U',
      model: 'claude-haiku-4-5-20251001',
      text: '',
      toolCalls: [
        {
          id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA',
          name: 'json',
          arguments: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}',
        },
      ],
      finish: 'tool_calls',
      usage: { prompt_tokens: 849, completion_tokens: 47, total_tokens: 896 },
    },
  },
  'vercel-ai_anthropic-tool-no-args.chunks.jsonl': {
    wire: () => jsonlToSse(fixture('vercel-ai_anthropic-tool-no-args.chunks.jsonl')),
    expected: {
      id: 'msg_01GE2RKp1VYsPzdFs3sS9z5S',
      model: 'claude-sonnet-4-5-20250929',
      text: "I'll update the issue list for you.",
      // The tool streams no arguments at all; clients get "{}" so that JSON.parse works.
      toolCalls: [{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }],
      finish: 'tool_calls',
      usage: { prompt_tokens: 565, completion_tokens: 48, total_tokens: 613 },
    },
  },
};

describe('fromAnthropicStream replaying recorded streams', () => {
  for (const [name, { wire, expected }] of Object.entries(CASES)) {
    describe(name, () => {
      for (const [how, split] of Object.entries(SPLITS)) {
        it(`reassembles text, tool calls, finish and usage when cut ${how}`, async () => {
          const chunks = await run(wire(), split);
          const got = reassemble(chunks);
          expect(got.role).toBe('assistant');
          expect(got.text).toBe(expected.text);
          expect(got.toolCalls).toEqual(expected.toolCalls);
          expect(got.finishReasons).toEqual([expected.finish]);
          expect(got.usage).toEqual(expected.usage);
          expect(got.ids).toEqual([expected.id]);
          expect(new Set(chunks.map((c) => c.model))).toEqual(new Set([expected.model]));
          expect(chunks.every((c) => c.created === NOW / 1000)).toBe(true);
          // The usage chunk comes last, with no choices, as OpenAI's include_usage chunk does.
          expect(chunks.at(-1)).toMatchObject({ choices: [], usage: expected.usage });
          expect(chunks.slice(0, -1).every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
        });
      }
    });
  }

  it('reads CRLF-framed events the same as LF ones', async () => {
    const lf = reassemble(await run(fixture('anthropic-sdk-ts_tool_use_response.sse')));
    const crlf = reassemble(
      await run(fixture('anthropic-sdk-ts_tool_use_response.sse').replace(/\n/g, '\r\n'), SPLITS['byte by byte']),
    );
    expect(crlf).toEqual(lf);
  });

  it('keeps multi-byte characters whole when the bytes are cut inside them', async () => {
    const text = ['Grüße ', '🌍 from ', 'Zürich ✓', ' 日本語'];
    const wire = [
      sseEvent({
        type: 'message_start',
        message: { id: 'msg_u', model: 'm', usage: { input_tokens: 3, output_tokens: 1 } },
      }),
      sseEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ...text.map((t) => sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })),
      sseEvent({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }),
      sseEvent({ type: 'message_stop' }),
    ].join('');
    expect(reassemble(await run(wire, SPLITS['byte by byte'])).text).toBe(text.join(''));
  });

  it('numbers tool calls 0.. in order of appearance, whatever Anthropic block index they have', async () => {
    const tool = (index: number, id: string, args: string) => [
      sseEvent({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id, name: `fn_${id}`, input: {} },
      }),
      sseEvent({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } }),
      sseEvent({ type: 'content_block_stop', index }),
    ];
    const wire = [
      sseEvent({ type: 'message_start', message: { id: 'msg_t', model: 'm', usage: { input_tokens: 1 } } }),
      sseEvent({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      sseEvent({ type: 'content_block_stop', index: 0 }),
      ...tool(1, 'a', '{"x":1}'),
      ...tool(2, 'b', '{"y":2}'),
      sseEvent({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } }),
      sseEvent({ type: 'message_stop' }),
    ].join('');
    const chunks = await run(wire);
    const indexes = chunks.flatMap((c) => c.choices.flatMap((ch) => (ch.delta.tool_calls ?? []).map((t) => t.index)));
    expect([...new Set(indexes)]).toEqual([0, 1]);
    const got = reassemble(chunks);
    expect(got.text).toBe(''); // thinking is not content
    expect(got.toolCalls).toEqual([
      { id: 'a', name: 'fn_a', arguments: '{"x":1}' },
      { id: 'b', name: 'fn_b', arguments: '{"y":2}' },
    ]);
  });
});

describe('fromAnthropicStream endings and errors', () => {
  const basic = () => fixture('anthropic-sdk-ts_basic_response.sse');

  it('treats a body that stops after message_delta (no message_stop) as complete', async () => {
    const wire = basic().slice(0, basic().indexOf('event: message_stop'));
    const got = reassemble(await run(wire, SPLITS['every 7 bytes']));
    expect(got.text).toBe('Hello there!');
    expect(got.finishReasons).toEqual(['stop']);
    expect(got.usage).toEqual({ prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 });
  });

  it('throws a network error, after the chunks it had, when the body ends before any stop reason', async () => {
    const wire = basic().slice(0, basic().indexOf('event: content_block_delta', basic().indexOf('" there"')));
    const { error, chunks } = await failure(wire);
    expect(error).toMatchObject({
      kind: 'network',
      status: 0,
      message: 'upstream stream ended early',
    });
    expect(reassemble(chunks).text).toBe('Hello there');
  });

  const errorCases: Array<[string, string, Partial<ProviderError>]> = [
    ['overloaded_error', 'Overloaded', { kind: 'server', status: 529 }],
    ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { kind: 'rate_limit' }],
    ['invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum', { kind: 'context_length' }],
    ['authentication_error', 'invalid x-api-key', { kind: 'auth' }],
    ['api_error', 'Internal server error', { kind: 'server' }],
  ];
  for (const [type, message, expected] of errorCases) {
    it(`throws the matching ProviderError for an in-stream ${type} event`, async () => {
      const head = basic().slice(0, basic().indexOf('event: content_block_stop'));
      const wire = `${head}event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
      const { error, chunks } = await failure(wire, SPLITS['at line ends and field names']);
      expect(error).toMatchObject({ ...expected, message, upstreamCode: type });
      expect(reassemble(chunks).text).toBe('Hello there!');
    });
  }

  it('throws a server error for an event whose data is not JSON', async () => {
    const wire = `${sseEvent({ type: 'message_start', message: { id: 'x' } })}event: content_block_delta\ndata: {"type":"content_bl\n\n`;
    expect((await failure(wire)).error.kind).toBe('server');
  });
});
