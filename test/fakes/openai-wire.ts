// OpenAI's chat wire for the fake upstream: chat.completion bodies, SSE chunks as api.openai.com sends them, error
// bodies, /models.
import {
  startFakeUpstream,
  textPieces,
  type FakeUpstream,
  type RecordedRequest,
  type TextReply,
  type WireRenderer,
} from './fake-upstream.js';
import type { SelfSigned } from './self-signed.js';

/**
 * What the fake renders, modelled on recorded gpt-4o / gpt-4.1 traffic (test/fixtures/wire/openai):
 * - a body: `chat.completion` with `content` (null when there is no text), `refusal: null`, `annotations: []`,
 *   `tool_calls` when the reply has any, `logprobs: null`, usage with the `*_details` objects, `service_tier`,
 *   `system_fingerprint`;
 * - a stream: a role chunk (`content: ""`, or null when the reply only calls tools), one chunk per text piece
 *   (`textPieces(reply)`), per tool call a chunk with id/name and empty arguments then the arguments in pieces of
 *   {@link ARGUMENT_PIECE} characters, a chunk with `finish_reason`, then, when the request asked
 *   `stream_options.include_usage`, a usage chunk with `choices: []` (and `usage: null` on every earlier chunk),
 *   then `data: [DONE]`. Each chunk carries `obfuscation` padding, as OpenAI's do unless
 *   `stream_options.include_obfuscation` is false. Each event counts once for `failAfterEvents`.
 * - errors: `{error: {message, type, param, code}}` with OpenAI's type/code for the status (429
 *   `rate_limit_exceeded`, 401 `invalid_api_key`, 400 with a context message `context_length_exceeded`, 5xx `server_error`);
 * - `GET .../models`: `{object: 'list', data: [{id, object: 'model', created, owned_by}]}`.
 * Without `usage` in the reply, prompt tokens are estimated from the request's message text and completion tokens are
 * the number of text pieces plus the tool-call argument pieces.
 */
export const openaiWire: WireRenderer = {
  isStream: (req) => req.body?.stream === true,
  complete,
  streamEvents,
  errorBody,
  modelList: (req, models, details) =>
    req.method === 'GET' && /\/models\/?(\?.*)?$/.test(req.path)
      ? {
          object: 'list',
          data: models.map((id) => ({
            id,
            object: 'model',
            created: 1_700_000_000,
            owned_by: 'fake-upstream',
            ...details?.[id],
          })),
        }
      : undefined,
};

/** Tool-call arguments are streamed in pieces of this many characters. */
export const ARGUMENT_PIECE = 8;

/**
 * A fake upstream speaking OpenAI's wire under `/v1` (its `baseUrl` ends with `/v1`); with `http2`, HTTP/2 over TLS with
 * that certificate.
 */
export function startOpenAIUpstream(http2?: SelfSigned): Promise<FakeUpstream> {
  return startFakeUpstream(openaiWire, '/v1', http2);
}

let counter = 0;

function base(req: RecordedRequest, object: 'chat.completion' | 'chat.completion.chunk'): Record<string, unknown> {
  return {
    id: `chatcmpl-fake${(counter++).toString().padStart(6, '0')}`,
    object,
    created: Math.floor(Date.now() / 1000),
    model: typeof req.body?.model === 'string' ? req.body.model : 'fake-model',
  };
}

function finishReason(reply: TextReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
}

function toolCallId(reply: TextReply, i: number): string {
  return reply.toolCalls?.[i]?.id ?? `call_fake${i}`;
}

function usage(reply: TextReply, req: RecordedRequest): Record<string, unknown> {
  const prompt = reply.usage?.prompt ?? estimatePromptTokens(req);
  const completion =
    reply.usage?.completion ??
    textPieces(reply).length +
      (reply.toolCalls ?? []).reduce((n, call) => n + argumentPieces(call.arguments).length + 1, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function estimatePromptTokens(req: RecordedRequest): number {
  const messages: unknown[] = Array.isArray(req.body?.messages) ? req.body.messages : [];
  const text = messages.map((m) => JSON.stringify((m as { content?: unknown }).content ?? '')).join(' ');
  return Math.max(1, Math.ceil(text.length / 4));
}

function complete(reply: TextReply, req: RecordedRequest): unknown {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: reply.text === '' && reply.toolCalls?.length ? null : reply.text,
    refusal: null,
    annotations: [],
  };
  if (reply.toolCalls?.length) {
    message['tool_calls'] = reply.toolCalls.map((call, i) => ({
      id: toolCallId(reply, i),
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    ...base(req, 'chat.completion'),
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(reply) }],
    usage: usage(reply, req),
    service_tier: 'default',
    system_fingerprint: 'fp_fake0000',
  };
}

function argumentPieces(args: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < args.length; i += ARGUMENT_PIECE) pieces.push(args.slice(i, i + ARGUMENT_PIECE));
  return pieces;
}

function streamEvents(reply: TextReply, req: RecordedRequest): string[] {
  const options = req.body?.stream_options ?? {};
  const includeUsage = options.include_usage === true;
  const obfuscate = options.include_obfuscation !== false;
  const head = base(req, 'chat.completion.chunk');
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}, n = 0): string => {
    const body: Record<string, unknown> = {
      ...head,
      service_tier: 'default',
      system_fingerprint: 'fp_fake0000',
      choices,
    };
    if (includeUsage) body['usage'] = null;
    Object.assign(body, extra);
    if (obfuscate) body['obfuscation'] = 'x'.repeat(1 + (n % 9));
    return `data: ${JSON.stringify(body)}\n\n`;
  };
  const delta = (d: Record<string, unknown>, finish: string | null = null) => [
    { index: 0, delta: d, logprobs: null, finish_reason: finish },
  ];
  const calls = reply.toolCalls ?? [];
  const events = [
    chunk(delta({ role: 'assistant', content: reply.text === '' && calls.length ? null : '', refusal: null })),
  ];
  for (const piece of textPieces(reply)) events.push(chunk(delta({ content: piece }), {}, events.length));
  calls.forEach((call, i) => {
    const start = {
      index: i,
      id: toolCallId(reply, i),
      type: 'function',
      function: { name: call.name, arguments: '' },
    };
    events.push(chunk(delta({ tool_calls: [start] }), {}, events.length));
    for (const piece of argumentPieces(call.arguments)) {
      events.push(chunk(delta({ tool_calls: [{ index: i, function: { arguments: piece } }] }), {}, events.length));
    }
  });
  events.push(chunk(delta({}, finishReason(reply)), {}, events.length));
  if (includeUsage) events.push(chunk([], { usage: usage(reply, req) }, events.length));
  events.push('data: [DONE]\n\n');
  return events;
}

const CONTEXT_HINT = /context[_ ]length|context window|maximum context|too many tokens/i;

function errorBody(status: number, message: string): unknown {
  const [type, code] = errorTypeAndCode(status, message);
  return { error: { message, type, param: code === 'context_length_exceeded' ? 'messages' : null, code } };
}

function errorTypeAndCode(status: number, message: string): [string, string | null] {
  if (status === 429)
    return /quota/i.test(message) ? ['insufficient_quota', 'insufficient_quota'] : ['requests', 'rate_limit_exceeded'];
  if (status === 401) return ['invalid_request_error', 'invalid_api_key'];
  if (status === 403) return ['invalid_request_error', 'unsupported_country_region_territory'];
  if (status === 404) return ['invalid_request_error', 'model_not_found'];
  if (status >= 500) return ['server_error', null];
  return ['invalid_request_error', CONTEXT_HINT.test(message) ? 'context_length_exceeded' : null];
}
