// Non-2xx answers with a JSON error body → ProviderError: the reading the openai and anthropic protocols share.
import { httpError } from './errors.js';
import type { HttpResponse } from './http.js';
import type { RateLimitReader } from './rate-limits.js';

/** How a protocol reads its error answers. */
export interface ErrorAnswerReading {
  /** Message and code from the protocol's error JSON. */
  extract(body: unknown): { message?: string; code?: string };
  /** The protocol's rate-limit headers, for a 429's quota. */
  readRateLimits: RateLimitReader;
  /** Headers the body carries besides the answer's own (OpenRouter's); the answer's real headers win a clash. */
  bodyHeaders?(body: unknown): Record<string, string>;
}

/**
 * Reads an error answer's body and throws the ProviderError for it, as `reading` tells. `now` (ms since the
 * epoch) dates the quota resets given as delays. A body that is not JSON is the message, cut to 500 characters.
 */
export async function throwHttpError(res: HttpResponse, reading: ErrorAnswerReading, now = Date.now()): Promise<never> {
  const raw = await res.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const { message, code } =
    parsed === undefined ? { message: raw.slice(0, 500), code: undefined } : reading.extract(parsed);
  const headers = { ...(parsed === undefined ? {} : reading.bodyHeaders?.(parsed)), ...res.headers };
  const options = { upstreamCode: code, now, readRateLimits: reading.readRateLimits };
  throw httpError(res.status, message ?? `upstream answered ${res.status}`, headers, options);
}

/** `{ error: { message, type, code } }` (OpenAI, Anthropic) or `{ error: "text" }` or `{ message }`. */
export function extractOpenAIStyleError(body: unknown): { message?: string; code?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'string') return { message: error };
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    const code = typeof e['code'] === 'string' ? e['code'] : typeof e['type'] === 'string' ? e['type'] : undefined;
    return { ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}), ...(code ? { code } : {}) };
  }
  return typeof record['message'] === 'string' ? { message: record['message'] } : {};
}
