// Providers' own quota signals: rate-limit response headers, and the words of a 429 that say which limit was hit.

type Headers = Record<string, string | string[] | undefined>;

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

type Field = 'limit' | 'remaining' | 'reset';
type ResetFormat = 'delay' | 'rfc3339' | 'epoch';

const ANTHROPIC = /^anthropic-ratelimit-(requests|tokens|input-tokens|output-tokens)-(limit|remaining|reset)$/;
/** Cerebras (`-requests-day`, `-tokens-minute`) and Mistral (`-req-minute`) name the window in the header. */
const SUFFIXED = /^x-ratelimit-(limit|remaining|reset)-(requests|req|tokens)-(minute|day|hour|month)$/;
const OPENAI = /^x-ratelimit-(limit|remaining|reset)-(requests|tokens)$/;
const OPENROUTER = /^x-ratelimit-(limit|remaining|reset)$/;
/** A header every Groq response carries (and OpenAI's never does): it tells Groq's windows from OpenAI's. */
const GROQ_MARKER = 'x-groq-region';

/**
 * The quota windows described by `headers` (names in any case), or undefined when there are none. Understood:
 * - OpenAI `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, reset a Go duration ("1s", "6m0s", "120ms");
 *   scope unknown, as OpenAI does not say which window they describe. Groq sends the same names, but its requests
 *   are per day and its tokens per minute (console.groq.com/docs/rate-limits), told apart by `x-groq-region`.
 * - Cerebras `x-ratelimit-{limit,remaining,reset}-{requests-day,tokens-minute}`, reset in seconds.
 * - Anthropic `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`, reset
 *   RFC 3339; Anthropic's limits are per minute (RPM, ITPM, OTPM).
 * - OpenRouter `x-ratelimit-{limit,remaining,reset}` (requests), reset in epoch ms.
 * A value that does not parse is left out; a window with nothing left is dropped.
 */
export function parseQuotaHeaders(headers: Headers, now: number): QuotaSignal | undefined {
  const groq = headers[GROQ_MARKER] !== undefined;
  const windows = new Map<string, QuotaWindow>();
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!name.startsWith('x-ratelimit-') && !name.startsWith('anthropic-ratelimit-')) continue;
    const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    const read = classify(name, groq);
    if (read === undefined || value === undefined) continue;
    const key = `${read.dimension}/${read.scope}`;
    const window = windows.get(key) ?? { dimension: read.dimension, scope: read.scope };
    if (read.field === 'reset') {
      const resetAt = parseReset(value.trim(), read.format, now);
      if (resetAt !== undefined) window.resetAt = resetAt;
    } else {
      const count = parseCount(value.trim());
      if (count !== undefined) window[read.field] = count;
    }
    windows.set(key, window);
  }
  const kept = [...windows.values()].filter((w) => w.limit !== undefined || w.remaining !== undefined || w.resetAt !== undefined);
  return kept.length === 0 ? undefined : { windows: kept };
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
 * exhausted header window, and when it comes back: that window's reset, else Retry-After. Undefined when neither
 * the message nor the headers say anything about a quota (a bare Retry-After is already `retryAfterMs`).
 */
export function rateLimitQuota(
  headers: Headers,
  message: string,
  retryAfterMs: number | undefined,
  now: number,
): { scope: QuotaScope; resetAt?: number } | undefined {
  const hinted = scopeFromText(message);
  const signal = parseQuotaHeaders(headers, now);
  const rest = signal === undefined ? undefined : quotaRestUntil(signal);
  if (hinted === 'unknown' && rest === undefined) return undefined;
  const scope = hinted === 'unknown' ? rest!.scope : hinted;
  // A window of another length than the one the message names is not the one that refused the call.
  const restFits = rest !== undefined && (hinted === 'unknown' || rest.scope === 'unknown' || rest.scope === hinted);
  const resetAt = restFits ? rest.until : retryAfterMs === undefined ? undefined : now + retryAfterMs;
  return resetAt === undefined ? { scope } : { scope, resetAt };
}

/** The next midnight in `timeZone` after `now` (ms since the epoch), daylight saving included. */
export function nextMidnight(timeZone: string, now: number): number {
  const offset = zoneOffsetMs(timeZone, now);
  const local = new Date(now + offset);
  const target = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  // The offset may change between now and that midnight (a DST switch at 2 am in between): correct by the offset there.
  return target - zoneOffsetMs(timeZone, target - offset);
}

function classify(name: string, groq: boolean): { field: Field; dimension: QuotaDimension; scope: QuotaScope; format: ResetFormat } | undefined {
  let m = ANTHROPIC.exec(name);
  if (m) return { field: m[2] as Field, dimension: m[1]!.replace('-', '_') as QuotaDimension, scope: 'minute', format: 'rfc3339' };
  m = SUFFIXED.exec(name);
  if (m) {
    const scope: QuotaScope = m[3] === 'minute' || m[3] === 'day' ? m[3] : 'unknown';
    return { field: m[1] as Field, dimension: m[2] === 'tokens' ? 'tokens' : 'requests', scope, format: 'delay' };
  }
  m = OPENAI.exec(name);
  if (m) {
    const dimension = m[2] as 'requests' | 'tokens';
    const scope: QuotaScope = groq ? (dimension === 'requests' ? 'day' : 'minute') : 'unknown';
    return { field: m[1] as Field, dimension, scope, format: 'delay' };
  }
  m = OPENROUTER.exec(name);
  if (m) return { field: m[1] as Field, dimension: 'requests', scope: 'unknown', format: 'epoch' };
  return undefined;
}

function parseCount(value: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };

function parseReset(value: string, format: ResetFormat, now: number): number | undefined {
  if (format === 'rfc3339') return RFC3339.test(value) ? Date.parse(value) : undefined;
  if (format === 'epoch' && /^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    // OpenRouter sends epoch ms; other servers using these names send epoch seconds or seconds from now.
    if (n >= 1e12) return Math.ceil(n);
    if (n >= 1e9) return Math.ceil(n * 1000);
    return now + Math.ceil(n * 1000);
  }
  const delay = parseDelayMs(value);
  return delay === undefined ? undefined : now + delay;
}

/** Bare seconds ("11.38", Cerebras) or a Go duration ("1h2m3.5s", "2m59.56s", "120ms", OpenAI and Groq). */
function parseDelayMs(value: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  let total = 0;
  let consumed = 0;
  for (const part of value.matchAll(DURATION_PART)) {
    if (part.index !== consumed) return undefined;
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
    consumed += part[0].length;
  }
  return consumed === 0 || consumed !== value.length ? undefined : Math.ceil(total);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `at` (negative west of Greenwich). */
function zoneOffsetMs(timeZone: string, at: number): number {
  let format = zoneFormats.get(timeZone);
  if (format === undefined) {
    const fields = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...fields });
    zoneFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}
