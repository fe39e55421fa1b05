// OpenAI chunks → Anthropic stream events: block order and indexes, tool calls as input_json_delta, the stop reason
// and usage of message_delta, a stop sequence split across chunks, and a failure thrown after the events so far.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../../../src/providers/types.js';
import { type AnthropicEvent, anthropicEvents } from '../../../../src/server/anthropic/events.js';
import { expectEvent } from '../../../helpers/anthropic-shapes.js';

const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'p/m',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usage = (prompt: number, completion: number): ChatCompletionChunk => ({
  ...chunk({}),
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});

async function* from(chunks: ChatCompletionChunk[], failure?: Error): AsyncGenerator<ChatCompletionChunk> {
  for (const c of chunks) yield c;
  if (failure) throw failure;
}

async function events(chunks: ChatCompletionChunk[], stopSequences: string[] = []): Promise<AnthropicEvent[]> {
  const out: AnthropicEvent[] = [];
  for await (const event of anthropicEvents(from(chunks), { id: 'msg_1', inputEstimate: 7, stopSequences })) {
    expectEvent(event);
    out.push(event);
  }
  return out;
}

/** Events in short: `start`, `ping`, `+text@0`, `"hi"@0`, `{json}@1`, `-0`, `delta:<reason>`, `stop`. */
function brief(list: AnthropicEvent[]): string[] {
  return list.map((e) => {
    const delta = e['delta'] as Record<string, string> | undefined;
    switch (e.type) {
      case 'message_start':
        return 'start';
      case 'content_block_start':
        return `+${(e['content_block'] as { type: string }).type}@${e['index']}`;
      case 'content_block_delta':
        return delta!['type'] === 'text_delta'
          ? `"${delta!['text']}"@${e['index']}`
          : `${delta!['partial_json']}@${e['index']}`;
      case 'content_block_stop':
        return `-${e['index']}`;
      case 'message_delta':
        return `delta:${delta!['stop_reason']}`;
      case 'message_stop':
        return 'stop';
      default:
        return e.type;
    }
  });
}

describe('anthropicEvents', () => {
  it('writes text, then each tool call as its own tool_use block', async () => {
    const list = await events([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hi ' }),
      chunk({ content: 'there' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      usage(12, 9),
    ]);
    expect(brief(list)).toEqual([
      'start',
      '+text@0',
      'ping',
      '"Hi "@0',
      '"there"@0',
      '-0',
      '+tool_use@1',
      '{"x":@1',
      '1}@1',
      '-1',
      '+tool_use@2',
      '{}@2',
      '-2',
      'delta:tool_use',
      'stop',
    ]);
    expect(list[6]).toMatchObject({ content_block: { id: 'call_a', name: 'f', input: {} } });
    expect(list.at(-2)).toMatchObject({ usage: { input_tokens: 12, output_tokens: 9 } });
    expect(list[0]).toMatchObject({
      message: { id: 'msg_1', model: 'p/m', usage: { input_tokens: 7, output_tokens: 0 } },
    });
  });

  it('maps length to max_tokens, and estimates usage when the upstream gave none', async () => {
    const list = await events([chunk({ content: 'one two three' }), chunk({}, 'length')]);
    expect(list.at(-2)).toMatchObject({
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { input_tokens: 7, output_tokens: 3 },
    });
  });

  it('stops at a stop sequence split across chunks, and leaves the upstream', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<ChatCompletionChunk> {
      for (const piece of ['ab', 'c <', 'EN', 'D> never', 'more']) {
        pulled++;
        yield chunk({ content: piece });
      }
    }
    const list: AnthropicEvent[] = [];
    for await (const e of anthropicEvents(counted(), { id: 'm', inputEstimate: 1, stopSequences: ['<END>'] }))
      list.push(e);
    expect(brief(list)).toEqual(['start', '+text@0', 'ping', '"ab"@0', '"c "@0', '-0', 'delta:stop_sequence', 'stop']);
    expect(list.at(-2)).toMatchObject({ delta: { stop_sequence: '<END>' } });
    expect(pulled).toBe(4);
  });

  it('gives back held text that turned out not to be a stop sequence', async () => {
    const list = await events([chunk({ content: 'a <EN' }), chunk({ content: 'TER' })], ['<END>']);
    expect(brief(list).filter((e) => e.startsWith('"'))).toEqual(['"a "@0', '"<ENTER"@0']);
    const tail = await events([chunk({ content: 'a <EN' }), chunk({}, 'stop')], ['<END>']);
    expect(brief(tail).filter((e) => e.startsWith('"'))).toEqual(['"a "@0', '"<EN"@0']);
  });

  it('throws a failure after the events written so far, with the open block never closed', async () => {
    const seen: string[] = [];
    const failing = anthropicEvents(from([chunk({ content: 'partial' })], new Error('upstream broke')), {
      id: 'm',
      inputEstimate: 1,
    });
    await expect(
      (async () => {
        for await (const e of failing) seen.push(e.type);
      })(),
    ).rejects.toThrow('upstream broke');
    expect(seen).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
  });

  it('answers an empty stream with an empty message', async () => {
    expect(brief(await events([chunk({}, 'stop')]))).toEqual(['start', 'ping', 'delta:end_turn', 'stop']);
  });
});
