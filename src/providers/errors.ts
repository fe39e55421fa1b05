// ProviderError: the one typed failure every adapter throws, and the shared mapping from HTTP answers to it.
import { maskSecret } from '../mask-secret.js';
import { rateLimitQuota, type QuotaScope, type RateLimitReader, type ResponseHeaders } from './rate-limits.js';

export type ProviderErrorKind =
  | 'rate_limit'
  | 'auth'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'server'
  | 'timeout'
  | 'network';

export interface ProviderErrorOptions {
  kind: ProviderErrorKind;
  /** Upstream HTTP status; 0 when no answer came (timeout, network). */
  status: number;
  retryAfterMs?: number;
  /** The provider's own error code or type, when it gave one. */
  upstreamCode?: string;
  /** Rate limits only: which quota refused the call, when the provider said. */
  quota?: ProviderQuota;
  cause?: unknown;
}

/**
 * The quota behind a rate-limit failure: a per-minute one passes soon, a per-day one keeps the key out for hours.
 * `resetAt` (ms since the epoch) is when the provider says it is whole again, when it says.
 */
export interface ProviderQuota {
  scope: QuotaScope;
  resetAt?: number;
  /** The limit the provider named (Gemini's quotaValue, "Limit 100000" in a Groq 429), and what it counts. */
  limit?: { value: number; dimension: 'requests' | 'tokens'; source: string };
}

/**
 * A failed upstream call. `message` is the provider's own message, with no key in it. What follows a failure of each
 * kind (another key, another model, the circuit...) is the failure policy's to say: src/accounts/failure-policy.ts.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  readonly upstreamCode: string | undefined;
  readonly quota: ProviderQuota | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = options.kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamCode = options.upstreamCode;
    this.quota = options.quota;
  }
}

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}

const CONTEXT_LENGTH_HINTS =
  /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|input is too long|exceeds the (maximum|max)|token limit/i;
const CONTENT_FILTER_HINTS = /content[_ ]filter|content[_ ]policy|safety|moderation|blocked/i;

/** Milliseconds to wait from a `Retry-After` (seconds or HTTP date) or `retry-after-ms` header. */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): number | undefined {
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = first(headers['retry-after']);
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The kind of an HTTP error answer, from its status and the provider's message.
 * Protocol adapters call this, then refine what their wire tells more precisely (Gemini's RetryInfo, say).
 */
export function kindFromStatus(status: number, message: string): ProviderErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 413 || CONTEXT_LENGTH_HINTS.test(message)) return status >= 500 ? 'server' : 'context_length';
  if (status >= 500) return 'server';
  if (CONTENT_FILTER_HINTS.test(message) && status === 400) return 'content_filter';
  return 'bad_request';
}

/** What `httpError` may know besides status, message and headers. */
export interface HttpErrorOptions {
  /** The provider's own error code or type. */
  upstreamCode?: string | undefined;
  /** Ms since the epoch, to date resets given as delays; `Date.now()` unless given. */
  now?: number | undefined;
  /** The protocol's reading of rate-limit headers; without it, only the message can tell a rate limit's quota. */
  readRateLimits?: RateLimitReader | undefined;
}

/**
 * A ProviderError for a non-2xx HTTP answer, with Retry-After from the headers; a rate limit also gets the `quota`
 * its message and rate-limit headers describe (see `rateLimitQuota`).
 */
export function httpError(
  status: number,
  message: string,
  headers: ResponseHeaders,
  options: HttpErrorOptions = {},
): ProviderError {
  const { upstreamCode, now = Date.now(), readRateLimits } = options;
  const kind = kindFromStatus(status, message);
  const retryAfterMs = parseRetryAfter(headers, now);
  const quota =
    kind === 'rate_limit' ? rateLimitQuota(readRateLimits?.(headers, now), message, retryAfterMs, now) : undefined;
  return new ProviderError(message || `upstream answered ${status}`, {
    kind,
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(upstreamCode === undefined ? {} : { upstreamCode }),
    ...(quota === undefined ? {} : { quota }),
  });
}

/** `err` with every occurrence of `secret` in its message masked: some providers echo the key they were sent. */
export function withoutSecret(err: unknown, secret: string): unknown {
  if (secret === '' || !(err instanceof Error) || !err.message.includes(secret)) return err;
  const message = err.message.split(secret).join(maskSecret(secret));
  if (!(err instanceof ProviderError)) return new Error(message);
  return new ProviderError(message, {
    kind: err.kind,
    status: err.status,
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
    ...(err.upstreamCode === undefined ? {} : { upstreamCode: err.upstreamCode }),
    ...(err.quota === undefined ? {} : { quota: err.quota }),
  });
}
