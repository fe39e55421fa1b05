// Rate-limit headers of OpenAI-compatible APIs: OpenAI's and Groq's, Cerebras' and Mistral's, OpenRouter's.
import {
  parseCount,
  windowsFromHeaders,
  type HeaderReading,
  type QuotaScope,
  type QuotaSignal,
  type ResponseHeaders,
} from '../rate-limits.js';

/** Cerebras (`-requests-day`, `-tokens-minute`) and Mistral (`-req-minute`) name the window in the header. */
const SUFFIXED = /^x-ratelimit-(limit|remaining|reset)-(requests|req|tokens)-(minute|day|hour|month)$/;
const OPENAI = /^x-ratelimit-(limit|remaining|reset)-(requests|tokens)$/;
const OPENROUTER = /^x-ratelimit-(limit|remaining|reset)$/;
/** A header every Groq response carries (and OpenAI's never does): it tells Groq's windows from OpenAI's. */
const GROQ_MARKER = 'x-groq-region';

type Field = 'limit' | 'remaining' | 'reset';
type ResetFormat = 'delay' | 'epoch';
type Header = Omit<HeaderReading, 'field' | 'value'> & { field: Field; format: ResetFormat };

/**
 * The quota windows an OpenAI-compatible answer's headers describe (names in any case). Understood:
 * - OpenAI `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, reset a Go duration ("1s", "6m0s", "120ms");
 *   scope unknown, as OpenAI does not say which window they describe. Groq sends the same names, but its requests
 *   are per day and its tokens per minute (console.groq.com/docs/rate-limits), told apart by `x-groq-region`.
 * - Cerebras `x-ratelimit-{limit,remaining,reset}-{requests-day,tokens-minute}`, reset in seconds; Mistral's
 *   `-req-minute` alike.
 * - OpenRouter `x-ratelimit-{limit,remaining,reset}` (requests), reset in epoch ms.
 * A value that does not parse is left out; a window with nothing left is dropped.
 */
export function readOpenAIRateLimits(headers: ResponseHeaders, now: number): QuotaSignal | undefined {
  const groq = headers[GROQ_MARKER] !== undefined;
  return windowsFromHeaders(headers, (name, value) => {
    const header = classify(name, groq);
    if (header === undefined) return undefined;
    // Fields named, not `{ ...window, field, value }`: a literal that starts with a spread and adds fields makes a new
    // hidden class at every call on Node 20, and this runs for each rate-limit header of every answer
    // (docs/BENCHMARKS.md, "Hidden classes made per request").
    const { dimension, scope, field, format } = header;
    if (field === 'reset') return { dimension, scope, field: 'resetAt', value: parseReset(value, format, now) };
    return { dimension, scope, field, value: parseCount(value) };
  });
}

function classify(name: string, groq: boolean): Header | undefined {
  // Every name below starts so: the other headers of an answer (most of them) are passed over without a pattern.
  if (!name.startsWith('x-ratelimit-')) return undefined;
  let m = SUFFIXED.exec(name);
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

const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };

function parseReset(value: string, format: ResetFormat, now: number): number | undefined {
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
