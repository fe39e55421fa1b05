// Gemini error answers ({error: {code, message, status, details}}) → ProviderError, with RetryInfo and quota ids.
import { ProviderError, kindFromStatus, parseRetryAfter, type ProviderErrorKind } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { ResponseHeaders } from '../rate-limits.js';
import { quotaOfViolations } from './rate-limits.js';
import type { GeminiErrorStatus } from './wire-types.js';

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';
/**
 * INVALID_ARGUMENT messages that mean the prompt is too long ("The input token count (N) exceeds the maximum number of
 * tokens allowed (M).").
 */
const CONTEXT_HINTS = /token count|tokens allowed|too many tokens|\bcontext\b/i;

/** The `error` object of a Gemini error body, or undefined when `body` is not one (array-wrapped bodies included). */
export function geminiErrorStatus(body: unknown): GeminiErrorStatus | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (typeof first !== 'object' || first === null) return undefined;
  const error = (first as Record<string, unknown>)['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return undefined;
  return error as GeminiErrorStatus;
}

/**
 * The ProviderError for a Gemini error answer. RetryInfo's `retryDelay` ("34.4s") sets `retryAfterMs`, the
 * Retry-After header being the fallback. `upstreamCode` is the QuotaFailure's quotaId when there is one (a daily
 * quota id contains "PerDay", a per-minute one "PerMinute", so callers can tell a long cool-down from a short
 * one), else the ErrorInfo reason (API_KEY_INVALID...), else the status name (RESOURCE_EXHAUSTED...).
 * A rate limit's `quota` comes from the QuotaFailure: a daily quota resets at the next midnight Pacific time
 * (RetryInfo is no guide to that one: Google has been seen sending "38s" for a spent day), a per-minute one
 * when RetryInfo says.
 */
export function geminiError(
  httpStatus: number,
  body: unknown,
  headers: ResponseHeaders = {},
  now = Date.now(),
): ProviderError {
  const error = geminiErrorStatus(body) ?? {};
  const status = httpStatus || (typeof error.code === 'number' ? error.code : 0);
  const message =
    typeof error.message === 'string' && error.message !== '' ? error.message : `upstream answered ${status}`;
  const details = Array.isArray(error.details) ? error.details : [];
  const reason = detailOf(details, 'ErrorInfo')?.['reason'];
  const retryAfterMs = retryDelayMs(details) ?? parseRetryAfter(headers, now);
  const upstreamCode = quotaId(details) ?? (typeof reason === 'string' ? reason : undefined) ?? error.status;
  const kind = kindOf(status, error.status, typeof reason === 'string' ? reason : undefined, message);
  const quota = kind === 'rate_limit' ? quotaOfViolations(violations(details), retryAfterMs, now) : undefined;
  return new ProviderError(message, {
    kind,
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(upstreamCode === undefined ? {} : { upstreamCode }),
    ...(quota === undefined ? {} : { quota }),
  });
}

/** Reads a non-2xx answer and throws its ProviderError. A stream's error body may come SSE-framed (`data: {...}`). */
export async function throwGeminiHttpError(res: HttpResponse, now = Date.now()): Promise<never> {
  const raw = await res.text().catch(() => '');
  const json = raw.replace(/^\s*data:\s?/, '').trim();
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    body = { error: { message: raw.slice(0, 500) } };
  }
  throw geminiError(res.status, body, res.headers, now);
}

function kindOf(
  status: number,
  name: string | undefined,
  reason: string | undefined,
  message: string,
): ProviderErrorKind {
  // A bad key is a 400 INVALID_ARGUMENT whose ErrorInfo reason is API_KEY_INVALID (or _EXPIRED...).
  if (reason?.startsWith('API_KEY_') || /api key not valid/i.test(message)) return 'auth';
  if (name === 'PERMISSION_DENIED' || name === 'UNAUTHENTICATED') return 'auth';
  // "User location is not supported for the API use", "free tier is not available in your country": this
  // account cannot use this API at all, which is an account problem another provider does not have.
  if (name === 'FAILED_PRECONDITION') return 'auth';
  if (status === 429 || name === 'RESOURCE_EXHAUSTED') return 'rate_limit';
  if (name === 'INVALID_ARGUMENT' && CONTEXT_HINTS.test(message)) return 'context_length';
  if (status === 404 || name === 'NOT_FOUND') return 'bad_request';
  if (name === 'DEADLINE_EXCEEDED') return 'timeout';
  if (name === 'INTERNAL' || name === 'UNAVAILABLE') return 'server';
  return kindFromStatus(status, message);
}

function detailOf(details: Array<Record<string, unknown>>, type: string): Record<string, unknown> | undefined {
  return details.find((d) => typeof d === 'object' && d !== null && d['@type'] === TYPE_PREFIX + type);
}

/** A protobuf Duration in JSON: "30s", "1.5s", "0.000500s". */
function retryDelayMs(details: Array<Record<string, unknown>>): number | undefined {
  const delay = detailOf(details, 'RetryInfo')?.['retryDelay'];
  if (typeof delay !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

/** The violated quota; when several are listed, a daily one wins, as it is the one that lasts. */
function quotaId(details: Array<Record<string, unknown>>): string | undefined {
  const ids = violations(details)
    .map((v) => v['quotaId'])
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return ids.find((id) => /PerDay/i.test(id)) ?? ids[0];
}

function violations(details: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const list = detailOf(details, 'QuotaFailure')?.['violations'];
  return Array.isArray(list)
    ? list.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}
