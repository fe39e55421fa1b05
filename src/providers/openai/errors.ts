// OpenAI-compatible errors → ProviderError: error answers (OpenRouter's rate-limit headers in the body included),
// and error objects inside a 2xx body or a stream.
import { ProviderError, kindFromStatus } from '../errors.js';
import { extractOpenAIStyleError, throwHttpError, type ErrorAnswerReading } from '../http-errors.js';
import type { HttpResponse } from '../http.js';
import { readOpenAIRateLimits } from './rate-limits.js';

const READING: ErrorAnswerReading = {
  extract: extractOpenAIStyleError,
  readRateLimits: readOpenAIRateLimits,
  bodyHeaders,
};

/** Reads a non-2xx answer and throws its ProviderError; `now` (ms since the epoch) dates resets given as delays. */
export function throwOpenAIHttpError(res: HttpResponse, now = Date.now()): Promise<never> {
  return throwHttpError(res, READING, now);
}

/**
 * The ProviderError for an error object found in a 2xx body or inside a stream. Its kind comes from the status the
 * error states (OpenRouter puts the HTTP code in `error.code`), else from its type/code, else it counts as a server
 * error.
 */
export function errorFromBody(body: unknown, httpStatus = 200): ProviderError {
  const { message, code } = extractOpenAIStyleError(body);
  const error = asRecord(asRecord(body)?.['error']);
  const stated = [error?.['code'], error?.['status'], httpStatus].find(
    (v) => typeof v === 'number' && v >= 400 && v < 600,
  );
  const status = typeof stated === 'number' ? stated : statusFromCode(code);
  const text = message ?? code ?? 'upstream returned an error';
  const kind = kindFromStatus(status, `${text} ${code ?? ''}`);
  return new ProviderError(text, { kind, status, ...(code === undefined ? {} : { upstreamCode: code }) });
}

function statusFromCode(code: string | undefined): number {
  if (code === undefined) return 500;
  if (/rate_limit|quota|too_many|requests/i.test(code)) return 429;
  if (/auth|api_key|permission|unauthorized|forbidden/i.test(code)) return 401;
  if (/invalid_request|unsupported|context_length|bad_request|not_found|validation/i.test(code)) return 400;
  return 500;
}

/**
 * OpenRouter puts a 429's rate-limit headers in the body (`error.metadata.headers`, e.g. `X-RateLimit-Reset`),
 * so they are read as if they were the answer's own.
 */
function bodyHeaders(body: unknown): Record<string, string> {
  const headers = asRecord(asRecord(asRecord(body)?.['error'])?.['metadata'])?.['headers'];
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

/** The value as a plain object, or undefined (as in from-wire.ts, which imports this file, so cannot lend it). */
function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
