// A WireRenderer that makes the fake upstream speak Anthropic's Messages API (bodies, SSE streams, errors, model
// lists).
import {
  startFakeUpstream,
  textPieces,
  type FakeToolCall,
  type FakeUpstream,
  type RecordedRequest,
  type TextReply,
  type WireRenderer,
} from './fake-upstream.js';

/**
 * How the fake answers, following the real API:
 * - `POST /v1/messages` → a `message` body: a `text` block (when the reply has text), then one `tool_use`
 *   block per tool call (`input` = the parsed arguments, `{}` when they do not parse; id `toolu_fake_<i>` unless
 *   given), `stop_reason` from `finishReason` (stop → end_turn, length → max_tokens, tool_calls → tool_use,
 *   content_filter → refusal; default tool_use when there are tool calls, else end_turn), and `usage`
 *   (defaults: 10 input tokens, one output token per text piece and tool call).
 * - with `stream: true` in the body → `event: <type>\ndata: <json>\n\n` events: message_start, content_block_start
 *   (text), ping, one text_delta per piece, content_block_stop, then per tool call content_block_start (tool_use,
 *   `input: {}`), an empty input_json_delta, the arguments in two input_json_delta halves, content_block_stop;
 *   then message_delta (stop_reason, cumulative output_tokens) and message_stop. No `[DONE]`: Anthropic sends none.
 * - errors → `{type: 'error', error: {type, message}, request_id}` with Anthropic's error type for the status
 *   (429 rate_limit_error, 529 overloaded_error...).
 * - `GET /v1/models` → `{data: [{type: 'model', id, display_name, created_at}], has_more: false, first_id, last_id}`.
 */
const anthropicWire: WireRenderer = {
  isStream: (req) => typeof req.body === 'object' && req.body !== null && req.body.stream === true,
  complete: (reply, req) => ({
    ...messageHead(req),
    content: [
      ...(reply.text === '' ? [] : [{ type: 'text', text: reply.text }]),
      ...toolCalls(reply).map((call, i) => ({
        type: 'tool_use',
        id: toolId(call, i),
        name: call.name,
        input: parseInput(call),
      })),
    ],
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: usage(reply),
  }),
  streamEvents: (reply, req) => {
    const { input_tokens, output_tokens } = usage(reply);
    const events: Array<Record<string, unknown>> = [
      {
        type: 'message_start',
        message: {
          ...messageHead(req),
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens, output_tokens: 1 },
        },
      },
    ];
    let block = 0;
    if (reply.text !== '') {
      events.push(
        { type: 'content_block_start', index: block, content_block: { type: 'text', text: '' } },
        { type: 'ping' },
      );
      for (const text of textPieces(reply)) {
        events.push({ type: 'content_block_delta', index: block, delta: { type: 'text_delta', text } });
      }
      events.push({ type: 'content_block_stop', index: block++ });
    }
    for (const [i, call] of toolCalls(reply).entries()) {
      const index = block++;
      const content_block = { type: 'tool_use', id: toolId(call, i), name: call.name, input: {} };
      events.push({ type: 'content_block_start', index, content_block });
      const half = Math.ceil(call.arguments.length / 2);
      const halves = [call.arguments.slice(0, half), call.arguments.slice(half)].filter((piece) => piece !== '');
      for (const partial_json of ['', ...halves]) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
      }
      events.push({ type: 'content_block_stop', index });
    }
    events.push(
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason(reply), stop_sequence: null },
        usage: { output_tokens },
      },
      { type: 'message_stop' },
    );
    return events.map((event) => `event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`);
  },
  errorBody: (status, message) => ({
    type: 'error',
    error: { type: errorType(status), message },
    request_id: 'req_fake_0001',
  }),
  modelList: (req, models, details) => {
    if (req.method !== 'GET' || !/^\/v1\/models(\?|$)/.test(req.path)) return undefined;
    return {
      data: models.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2025-05-14T00:00:00Z',
        ...details?.[id],
      })),
      has_more: false,
      first_id: models[0] ?? null,
      last_id: models.at(-1) ?? null,
    };
  },
};

/** A fake Anthropic API on 127.0.0.1; its `baseUrl` ends in `/v1`, like `https://api.anthropic.com/v1`. */
export function startAnthropicUpstream(): Promise<FakeUpstream> {
  return startFakeUpstream(anthropicWire, '/v1');
}

let messageCount = 0;

function messageHead(req: RecordedRequest): Record<string, unknown> {
  const model = typeof req.body?.model === 'string' ? req.body.model : 'fake-model';
  return { id: `msg_fake_${String(++messageCount).padStart(4, '0')}`, type: 'message', role: 'assistant', model };
}

function toolCalls(reply: TextReply): FakeToolCall[] {
  return reply.toolCalls ?? [];
}

function toolId(call: FakeToolCall, i: number): string {
  return call.id ?? `toolu_fake_${i}`;
}

function parseInput(call: FakeToolCall): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return {};
  }
}

function stopReason(reply: TextReply): string {
  switch (reply.finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'stop':
      return 'end_turn';
    default:
      return toolCalls(reply).length > 0 ? 'tool_use' : 'end_turn';
  }
}

function usage(
  reply: TextReply,
): Record<'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens', number> {
  const output = reply.usage?.completion ?? Math.max(1, textPieces(reply).length + toolCalls(reply).length);
  return {
    input_tokens: reply.usage?.prompt ?? 10,
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}
