// A chat completion → an Anthropic Message, and the error bodies and statuses of the door.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import type { ChatCompletion, FinishReason } from '../../../../src/providers/types.js';
import { toAnthropicError } from '../../../../src/server/anthropic/errors.js';
import { messageId, toAnthropicMessage } from '../../../../src/server/anthropic/message.js';
import { expectErrorBody, expectMessage } from '../../../helpers/anthropic-shapes.js';

const completion = (content: string | null, finish: FinishReason, toolArgs?: string): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'p/m',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content,
        refusal: null,
        ...(toolArgs === undefined
          ? {}
          : {
              tool_calls: [{ id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: toolArgs } }],
            }),
      },
      finish_reason: finish,
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
});

describe('toAnthropicMessage', () => {
  it('writes text and tool_use blocks, the stop reason and usage', () => {
    const message = toAnthropicMessage(completion('Sure.', 'tool_calls', '{"a":[1]}'), 'msg_x');
    expectMessage(message);
    expect(message).toMatchObject({
      id: 'msg_x',
      model: 'p/m',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Sure.' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: { a: [1] } },
      ],
      usage: { input_tokens: 11, output_tokens: 4 },
    });
  });

  it('maps each finish reason', () => {
    const reasons = (['stop', 'length', 'tool_calls', 'content_filter'] as const).map(
      (finish) => toAnthropicMessage(completion('x', finish), 'm').stop_reason,
    );
    expect(reasons).toEqual(['end_turn', 'max_tokens', 'tool_use', 'refusal']);
  });

  it('gives a tool call whose arguments are not a JSON object an empty input', () => {
    for (const args of ['not json', '[1,2]', '']) {
      expect(toAnthropicMessage(completion(null, 'tool_calls', args), 'm').content).toEqual([
        expect.objectContaining({ type: 'tool_use', input: {} }),
      ]);
    }
  });

  it('cuts at the earliest stop sequence and drops what followed it, tool calls included', () => {
    const message = toAnthropicMessage(completion('a STOP b END', 'tool_calls', '{}'), 'm', ['END', 'STOP']);
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP', content: [{ text: 'a ' }] });
    expect(message.content).toHaveLength(1);
  });

  it('names messages after their run', () => {
    expect(messageId('run_0b7c-41aa')).toBe('msg_0b7c41aa');
  });
});

describe('toAnthropicError', () => {
  const gateway = (status: number) => new GatewayError('why', { status, type: 'server_error' });

  it("maps the gateway's statuses onto Anthropic's", () => {
    const mapped = [400, 401, 403, 404, 413, 422, 429, 502, 503, 504].map((status) => {
      const { status: out, body } = toAnthropicError(gateway(status), 'req_1');
      expectErrorBody(body, body.error.type);
      return `${out} ${body.error.type}`;
    });
    expect(mapped).toEqual([
      '400 invalid_request_error',
      '401 authentication_error',
      '403 permission_error',
      '404 not_found_error',
      '413 request_too_large',
      '422 invalid_request_error',
      '429 rate_limit_error',
      '500 api_error',
      '529 overloaded_error',
      '504 timeout_error',
    ]);
  });

  it('keeps Retry-After, and says nothing of an unknown error', () => {
    const limited = new GatewayError('slow down', { status: 429, type: 'rate_limit_error', retryAfterMs: 2_000 });
    expect(toAnthropicError(limited, null)).toMatchObject({ status: 429, retryAfterMs: 2_000 });
    expect(toAnthropicError(new Error('secret detail'), 'req_2')).toEqual({
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' }, request_id: 'req_2' },
    });
  });
});
