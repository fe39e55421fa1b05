// Anthropic error answers and in-stream error events → ProviderError, a billing error read as the key's fault.
import { ProviderError, httpError } from '../errors.js';
import { extractOpenAIStyleError, throwHttpError, type ErrorAnswerReading } from '../http-errors.js';
import type { HttpResponse } from '../http.js';
import { readAnthropicRateLimits } from './rate-limits.js';

/** Anthropic's `{type: 'error', error: {type, message}}` body reads with the shared extractor (code = error type). */
const READING: ErrorAnswerReading = { extract: extractOpenAIStyleError, readRateLimits: readAnthropicRateLimits };

/** The HTTP status Anthropic answers each error type with; an in-stream `error` event is read as that status. */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Reads a non-2xx answer and throws its ProviderError, sharpened by `refineHttpError`. */
export async function throwAnthropicHttpError(res: HttpResponse, now = Date.now()): Promise<never> {
  try {
    return await throwHttpError(res, READING, now);
  } catch (err) {
    throw refineHttpError(err);
  }
}

/** The ProviderError for an Anthropic error type and message (from a stream's `event: error`, say). */
export function anthropicError(type: string | undefined, message: string | undefined, status?: number): ProviderError {
  const code = type ?? 'api_error';
  return httpError(status ?? ERROR_STATUS[code] ?? 500, message ?? code, {}, { upstreamCode: code });
}

/**
 * Sharpens an HTTP error by Anthropic's error type where the status alone misleads: a billing_error (402, or
 * 400 "credit balance is too low") is about this key, so another key may work.
 */
export function refineHttpError(err: unknown): unknown {
  if (!(err instanceof ProviderError) || err.kind !== 'bad_request') return err;
  const billing = err.upstreamCode === 'billing_error' || /credit balance/i.test(err.message);
  if (!billing) return err;
  return new ProviderError(err.message, {
    kind: 'auth',
    status: err.status,
    ...(err.upstreamCode === undefined ? {} : { upstreamCode: err.upstreamCode }),
    cause: err,
  });
}
