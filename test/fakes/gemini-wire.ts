// A WireRenderer that makes the fake upstream speak the Gemini Developer API (generateContent, alt=sse streams, errors,
// model lists).
import { randomBytes } from 'node:crypto';
import {
  startFakeUpstream,
  textPieces,
  type ErrorReply,
  type FakeUpstream,
  type RecordedRequest,
  type TextReply,
  type WireRenderer,
} from './fake-upstream.js';

/**
 * What the renderer sends, modelled on recorded answers (test/fixtures/wire/gemini):
 * - `POST .../models/{model}:generateContent` → a GenerateContentResponse: one candidate (`role: 'model'`, index 0)
 *   whose parts are the text, then one `functionCall` part per tool call (`args` parsed from the JSON arguments;
 *   `id` only when the FakeToolCall has one: the Developer API usually sends none); `usageMetadata` with
 *   prompt/candidates/total counts; `modelVersion` (the model in the path) and a `responseId`.
 * - `...:streamGenerateContent?alt=sse` → one `data: <GenerateContentResponse>\r\n\r\n` event per text piece,
 *   then one event with all function calls, each event with the running `usageMetadata`; `finishReason` rides
 *   on the last event, as Google does. No `[DONE]`: the stream just ends.
 * - finishReason: `stop` and `tool_calls` → STOP (Gemini has no tool-call reason), `length` → MAX_TOKENS,
 *   `content_filter` → SAFETY with a blocked safety rating (and no `content` when there is no text).
 * - errors → `{error: {code, message, status, details}}` with the google.rpc status name (429 →
 *   RESOURCE_EXHAUSTED, with a per-minute QuotaFailure but no RetryInfo, so a test's Retry-After header stays
 *   the only delay; use `geminiRateLimitReply` for Google's RetryInfo).
 * - `GET .../models` → `{models: [...], nextPageToken}`, paged by `pageSize` (default 50) and `pageToken`.
 */
export const geminiWire: WireRenderer = {
  isStream: (req) => req.path.includes(':streamGenerateContent'),
  complete: (reply, req) =>
    response(reply, req, reply.text, toolCallParts(reply), finishReason(reply), usage(reply, req, 1, 1)),
  streamEvents: (reply, req) => {
    const pieces = textPieces(reply);
    const calls = toolCallParts(reply);
    const parts: unknown[][] = pieces.map((text) => [{ text }]);
    if (calls.length > 0) parts.push(calls);
    if (parts.length === 0) parts.push([{ text: '' }]);
    return parts.map((eventParts, i) => {
      const last = i === parts.length - 1;
      const body = responseWithParts(
        reply,
        req,
        eventParts,
        last ? finishReason(reply) : undefined,
        usage(reply, req, i + 1, parts.length),
      );
      return `data: ${JSON.stringify(body)}\r\n\r\n`;
    });
  },
  errorBody: (status, message) =>
    geminiErrorBody(
      status,
      message,
      status === 429 ? [QUOTA_HELP, quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier')] : [],
    ),
  modelList: (req, models, details) => {
    if (req.method !== 'GET') return undefined;
    const url = new URL(req.path, 'http://fake');
    if (!/\/models\/?$/.test(url.pathname)) return undefined;
    const size = Number(url.searchParams.get('pageSize') ?? 50) || 50;
    const start = Number(url.searchParams.get('pageToken') ?? 0) || 0;
    const page = models.slice(start, start + size).map((id) => ({ ...(modelInfo(id) as object), ...details?.[id] }));
    return { models: page, ...(start + size < models.length ? { nextPageToken: String(start + size) } : {}) };
  },
};

/**
 * A fake Gemini on 127.0.0.1; its `baseUrl` ends in `/v1beta`, like `https://generativelanguage.googleapis.com/v1beta`.
 */
export function startGeminiUpstream(): Promise<FakeUpstream> {
  return startFakeUpstream(geminiWire, '/v1beta');
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const QUOTA_HELP = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [
    { description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' },
  ],
};

/** Google's error envelope for `code`, with its status name and the given google.rpc details. */
function geminiErrorBody(code: number, message: string, details: unknown[] = []): unknown {
  const status = STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: { code, message, status, ...(details.length > 0 ? { details } : {}) } };
}

/** A QuotaFailure detail; quota ids say the window: `...PerMinute...` or `...PerDay...`. */
function quotaFailure(quotaId: string, quotaValue = '10'): unknown {
  return {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId,
        quotaValue,
      },
    ],
  };
}

/**
 * A 429 the way Google sends it: QuotaFailure plus RetryInfo (`retryDelay` like "30s" or "1.5s"), no Retry-After
 * header.
 */
export function geminiRateLimitReply(options: {
  retryDelay: string;
  quotaId?: string;
  quotaValue?: string;
}): ErrorReply {
  const message = `You exceeded your current quota, please check your plan and billing details. Please retry in ${options.retryDelay}.`;
  const details = [
    QUOTA_HELP,
    quotaFailure(options.quotaId ?? 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', options.quotaValue),
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: options.retryDelay },
  ];
  return { type: 'error', status: 429, rawBody: geminiErrorBody(429, message, details) };
}

function response(
  reply: TextReply,
  req: RecordedRequest,
  text: string,
  calls: unknown[],
  finish: string,
  usageMetadata: unknown,
): unknown {
  const parts = [...(text === '' ? [] : [{ text }]), ...calls];
  return responseWithParts(reply, req, parts, finish, usageMetadata);
}

function responseWithParts(
  _reply: TextReply,
  req: RecordedRequest,
  parts: unknown[],
  finish: string | undefined,
  usageMetadata: unknown,
): unknown {
  const filtered = finish === 'SAFETY';
  const hasContent = parts.some((p) => (p as { text?: string }).text !== '') || !filtered;
  const candidate = {
    ...(hasContent ? { content: { parts, role: 'model' } } : {}),
    ...(finish === undefined ? {} : { finishReason: finish }),
    ...(filtered
      ? { safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] }
      : {}),
    index: 0,
  };
  return { candidates: [candidate], usageMetadata, modelVersion: modelOf(req), responseId: responseIdOf(req) };
}

function toolCallParts(reply: TextReply): unknown[] {
  return (reply.toolCalls ?? []).map((call) => ({
    functionCall: {
      ...(call.id === undefined ? {} : { id: call.id }),
      name: call.name,
      args: JSON.parse(call.arguments || '{}'),
    },
  }));
}

function finishReason(reply: TextReply): string {
  switch (reply.finishReason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    default:
      return 'STOP';
  }
}

/** Counts for event `step` of `steps`: candidates grow as the stream goes; the last event has the final figures. */
function usage(reply: TextReply, req: RecordedRequest, step: number, steps: number): unknown {
  const prompt = reply.usage?.prompt ?? Math.max(1, Math.ceil(JSON.stringify(req.body?.contents ?? '').length / 4));
  const total = reply.usage?.completion ?? textPieces(reply).length + (reply.toolCalls?.length ?? 0) * 8;
  const candidates = Math.round((total * step) / steps);
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

function modelOf(req: RecordedRequest): string {
  return /\/models\/([^:/?]+)/.exec(req.path)?.[1] ?? 'gemini-fake';
}

/** One id per request, shared by all its stream events, as Google does. */
const responseIds = new WeakMap<RecordedRequest, string>();
function responseIdOf(req: RecordedRequest): string {
  let id = responseIds.get(req);
  if (id === undefined) {
    id = randomBytes(16).toString('base64url').slice(0, 22);
    responseIds.set(req, id);
  }
  return id;
}

function modelInfo(id: string): unknown {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    description: `Fake Gemini model ${id}`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: id.includes('embedding')
      ? ['embedContent', 'countTextTokens']
      : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
  };
}
