// Unit: chat answers → Responses objects and events: output items, status, usage, and the event stream's order and
// sequence numbers; every object checked against the spec's schemas.
import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '../../../../src/providers/types.js';
import { parseResponsesBody } from '../../../../src/server/responses/body.js';
import { completionToResponse, type ResponseFrame } from '../../../../src/server/responses/from-chat.js';
import { responseOfItem } from '../../../../src/server/responses/ids.js';
import { createEventTranslator, type ResponseEvent } from '../../../../src/server/responses/stream-events.js';
import { schemaErrors } from '../../../helpers/openai-schema.js';

const ID = 'resp_0123456789abcdef0123456789abcdef';
const frame = (extra: Record<string, unknown> = {}): ResponseFrame => {
  const { body, tools, toolChoice } = parseResponsesBody({ model: 'auto', input: 'hi', ...extra });
  return { id: ID, createdAt: 1_700_000_000, body, tools, toolChoice, store: true };
};

function completion(message: Partial<ChatCompletion['choices'][0]['message']>, finish = 'stop'): ChatCompletion {
  return {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'alpha/m',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, ...message },
        finish_reason: finish as 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

const chunk = (
  delta: ChatCompletionChunk['choices'][0]['delta'],
  finish: string | null = null,
): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'alpha/m',
  choices: [{ index: 0, delta, finish_reason: finish as null }],
});

describe('completionToResponse', () => {
  it('gives text and calls as output items whose ids lead back to the response', () => {
    const calls = [{ id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } }];
    const response = completionToResponse(
      frame(),
      completion({ content: 'On it.', tool_calls: calls }, 'tool_calls'),
      5e12,
    );
    expect(schemaErrors.response(response)).toEqual([]);
    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(response.output[1]).toMatchObject({ call_id: 'call_1', name: 'f', arguments: '{}', status: 'completed' });
    for (const item of response.output) expect(responseOfItem(item.id)).toBe(ID);
    expect(response.usage).toMatchObject({ input_tokens: 3, output_tokens: 2, total_tokens: 5 });
  });

  it('is incomplete when the answer was cut, and keeps a refusal as a refusal part', () => {
    const cut = completionToResponse(frame(), completion({ content: 'Half' }, 'length'), 0);
    expect(cut).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(cut.output[0]).toMatchObject({ status: 'incomplete' });
    const refused = completionToResponse(frame(), completion({ refusal: 'No.' }), 0);
    expect(refused.output[0]).toMatchObject({ content: [{ type: 'refusal', refusal: 'No.' }] });
    expect(schemaErrors.response(refused)).toEqual([]);
  });
});

describe('createEventTranslator', () => {
  /** Every event for `chunks`, then finish (or fail with `failure`). */
  function run(chunks: ChatCompletionChunk[], failure?: string): ResponseEvent[] {
    const translator = createEventTranslator(
      frame({ tools: [{ type: 'function', name: 'f', parameters: null, strict: null }] }),
      'alpha/m',
    );
    const events = [...translator.start(), ...chunks.flatMap((c) => translator.chunk(c))];
    events.push(...(failure === undefined ? translator.finish(0) : translator.fail(failure)));
    for (const event of events) expect(schemaErrors.responseEvent(event), event.type).toEqual([]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    return events;
  }

  it('closes the text before a call starts, and ends with the whole response and its usage', () => {
    const events = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Let me ' }),
      chunk({ content: 'check.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({}, 'tool_calls'),
      { ...chunk({}), choices: [], usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 } },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[6]).toMatchObject({ text: 'Let me check.', output_index: 0 });
    expect(events[12]).toMatchObject({ arguments: '{"a":1}', name: 'f', output_index: 1 });
    const done = events.at(-1)!['response'] as { output: unknown[]; usage: unknown };
    expect(done.output).toEqual([
      expect.objectContaining({ type: 'message', status: 'completed' }),
      expect.objectContaining({ type: 'function_call', call_id: 'call_9', arguments: '{"a":1}', status: 'completed' }),
    ]);
    expect(done.usage).toMatchObject({ input_tokens: 4, output_tokens: 6, total_tokens: 10 });
  });

  it('ends an answer cut by the length limit with response.incomplete', () => {
    const events = run([chunk({ content: 'cut' }, 'length')]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });
  });

  it('ends a broken stream with response.failed, the output so far left incomplete', () => {
    const events = run([chunk({ content: 'Half an ans' })], 'The upstream model failed mid-stream: boom');
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: {
        status: 'failed',
        error: { code: 'server_error', message: 'The upstream model failed mid-stream: boom' },
        output: [{ status: 'incomplete', content: [{ text: 'Half an ans' }] }],
      },
    });
  });

  it('gives an answer with no text and no call one empty message, as a whole response has', () => {
    const events = run([chunk({}, 'stop')]);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { output: [{ type: 'message' }] } });
  });
});
