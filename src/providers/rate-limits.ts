// Providers' quota signals, whatever the protocol: windows read from rate-limit headers, when a key must rest, and
// which window the words of a 429 name. Each protocol folder's rate-limits.ts reads its own headers.

/** An answer's headers, names as they came. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** How long a quota window lasts: a minute, a day, or not said (OpenAI, OpenRouter, hourly or monthly windows). */
export type QuotaScope = 'minute' | 'day' | 'unknown';

/** What a window counts. Anthropic reports input and output tokens apart, besides their most restrictive sum. */
export type QuotaDimension = 'requests' | 'tokens' | 'input_tokens' | 'output_tokens';

/** One window a provider reported: how much is left and when it is whole again. */
export interface QuotaWindow {
  dimension: QuotaDimension;
  scope: QuotaScope;
  limit?: number;
  remaining?: number;
  /** When the window is whole again, ms since the epoch. */
  resetAt?: number;
}

/** Every window one response's headers described, in the order read. */
export interface QuotaSignal {
  windows: QuotaWindow[];
}

/**
 * How a protocol reads an answer's rate-limit headers (names in any case): the windows they describe, or
 * undefined when there are none. `now` (ms since the epoch) dates resets given as delays.
 */
export type RateLimitReader = (headers: ResponseHeaders, now: number) => QuotaSignal | undefined;

/**
 * What one rate-limit header says: its window, the field it sets, and its value read (undefined if it does not parse).
 */
export interface HeaderReading {
  dimension: QuotaDimension;
  scope: QuotaScope;
  field: 'limit' | 'remaining' | 'resetAt';
  value: number | undefined;
}

/**
 * The windows `read` finds in `headers`. `read` gets each header's lowercased name and trimmed (first) value, and
 * answers undefined for a header that is not one of its protocol's rate-limit headers. A value that does not parse
 * is left out; a window left with nothing is dropped.
 */
export function windowsFromHeaders(
  headers: ResponseHeaders,
  read: (name: string, value: string) => HeaderReading | undefined,
): QuotaSignal | undefined {
  // Made at the first reading: most answers (every one of some providers) have no rate-limit header.
  let windows: Map<string, QuotaWindow> | undefined;
  for (const rawName in headers) {
    const rawValue = headers[rawName];
    const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    if (value === undefined) continue;
    const reading = read(rawName.toLowerCase(), value.trim());
    if (reading === undefined) continue;
    windows ??= new Map();
    const key = `${reading.dimension}/${reading.scope}`;
    const window = windows.get(key) ?? { dimension: reading.dimension, scope: reading.scope };
    if (reading.value !== undefined) window[reading.field] = reading.value;
    windows.set(key, window);
  }
  if (windows === undefined) return undefined;
  const kept = [...windows.values()].filter(
    (w) => w.limit !== undefined || w.remaining !== undefined || w.resetAt !== undefined,
  );
  return kept.length === 0 ? undefined : { windows: kept };
}

/** A limit or remaining count: a non-negative decimal number. */
export function parseCount(value: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

/**
 * When a key must rest because a window has nothing left: the latest reset among exhausted windows (every one of
 * them must be whole again before a call can pass), with that window's scope. Undefined when nothing is exhausted
 * or no exhausted window says when it resets.
 */
export function quotaRestUntil(signal: QuotaSignal): { until: number; scope: QuotaScope } | undefined {
  let rest: { until: number; scope: QuotaScope } | undefined;
  for (const window of signal.windows) {
    if (window.remaining !== 0 || window.resetAt === undefined) continue;
    if (rest === undefined || window.resetAt > rest.until) rest = { until: window.resetAt, scope: window.scope };
  }
  return rest;
}

/**
 * The window a provider's own words name: "tokens per day (TPD)", "free-models-per-day", "limit_rpm/...",
 * a Gemini quota id like "GenerateRequestsPerDayPerProjectPerModel-FreeTier". A day wins over a minute.
 */
export function scopeFromText(text: string): QuotaScope {
  if (/per[\s_-]?day|daily|(?:^|[^a-z])[rt]pd(?:[^a-z]|$)/i.test(text)) return 'day';
  if (/per[\s_-]?minute|per[\s_-]?min\b|(?:^|[^a-z])[io]?[rt]pm(?:[^a-z]|$)/i.test(text)) return 'minute';
  return 'unknown';
}

/**
 * The quota behind a rate-limit answer: its scope from the message (which names the limit hit) or else from the
 * exhausted window of the answer's rate-limit headers (`signal`), and when it comes back: that window's reset, else
 * Retry-After. Undefined when neither the message nor the headers say anything about a quota (a bare Retry-After
 * is already `retryAfterMs`).
 */
export function rateLimitQuota(
  signal: QuotaSignal | undefined,
  message: string,
  retryAfterMs: number | undefined,
  now: number,
): { scope: QuotaScope; resetAt?: number } | undefined {
  const hinted = scopeFromText(message);
  const rest = signal === undefined ? undefined : quotaRestUntil(signal);
  if (hinted === 'unknown' && rest === undefined) return undefined;
  const scope = hinted === 'unknown' ? rest!.scope : hinted;
  // A window of another length than the one the message names is not the one that refused the call.
  const restFits = rest !== undefined && (hinted === 'unknown' || rest.scope === 'unknown' || rest.scope === hinted);
  const resetAt = restFits ? rest.until : retryAfterMs === undefined ? undefined : now + retryAfterMs;
  const limit = hinted === 'unknown' ? undefined : limitFromText(message);
  return { scope, ...(resetAt === undefined ? {} : { resetAt }), ...(limit === undefined ? {} : { limit }) };
}

/**
 * The limit a 429's message states, as Groq's do ("Rate limit reached ... on tokens per day (TPD): Limit 100000,
 * Used 99715, Requested 1337"): its value and what it counts (tokens when the message says tokens, else requests).
 */
function limitFromText(
  message: string,
): { value: number; dimension: 'requests' | 'tokens'; source: string } | undefined {
  const m = /\blimit:?\s+(\d+)\b/i.exec(message);
  if (m === null) return undefined;
  const dimension = /tokens|\b[io]?tp[md]\b/i.test(message) ? 'tokens' : 'requests';
  return { value: Number(m[1]), dimension, source: '429 body' };
}
