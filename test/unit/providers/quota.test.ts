// Each provider's quota headers read into windows, when a key must rest, and which window a 429's words name.
import { describe, expect, it } from 'vitest';
import { nextMidnight, parseQuotaHeaders, quotaRestUntil, rateLimitQuota, scopeFromText, type QuotaSignal } from '../../../src/providers/quota.js';

const NOW = Date.parse('2025-06-02T12:00:00Z');
const windows = (headers: Record<string, string>) => parseQuotaHeaders(headers, NOW)?.windows;

describe('parseQuotaHeaders: each provider', () => {
  it('OpenAI: requests and tokens with Go-duration resets, scope unknown (OpenAI does not say the window)', () => {
    // The sample values of OpenAI's rate-limit guide ("Rate limits in headers").
    expect(
      windows({
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-remaining-tokens': '149984',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
    ).toEqual([
      { dimension: 'requests', scope: 'unknown', limit: 60, remaining: 59, resetAt: NOW + 1_000 },
      { dimension: 'tokens', scope: 'unknown', limit: 150_000, remaining: 149_984, resetAt: NOW + 360_000 },
    ]);
  });

  it('Groq (told by x-groq-region): requests per day, tokens per minute', () => {
    // The sample values of console.groq.com/docs/rate-limits, where each header "always refers to" RPD or TPM.
    expect(
      windows({
        'x-groq-region': 'dls',
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-limit-tokens': '18000',
        'x-ratelimit-remaining-requests': '14370',
        'x-ratelimit-remaining-tokens': '17997',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-reset-tokens': '7.66s',
      }),
    ).toEqual([
      { dimension: 'requests', scope: 'day', limit: 14_400, remaining: 14_370, resetAt: NOW + 179_560 },
      { dimension: 'tokens', scope: 'minute', limit: 18_000, remaining: 17_997, resetAt: NOW + 7_660 },
    ]);
  });

  it('Cerebras: the window is in the header name, resets in seconds', () => {
    // The example response of inference-docs.cerebras.ai/support/rate-limits.
    expect(
      windows({
        'x-ratelimit-limit-requests-day': '1000000000',
        'x-ratelimit-limit-tokens-minute': '1000000000',
        'x-ratelimit-remaining-requests-day': '999997455',
        'x-ratelimit-remaining-tokens-minute': '999998298',
        'x-ratelimit-reset-requests-day': '33011.382867097855',
        'x-ratelimit-reset-tokens-minute': '11.382867097854614',
      }),
    ).toEqual([
      { dimension: 'requests', scope: 'day', limit: 1e9, remaining: 999_997_455, resetAt: NOW + 33_011_383 },
      { dimension: 'tokens', scope: 'minute', limit: 1e9, remaining: 999_998_298, resetAt: NOW + 11_383 },
    ]);
  });

  it('Anthropic: four per-minute windows with RFC 3339 resets', () => {
    // Headers of a recorded api.anthropic.com/v1/messages answer (tidyllm's test fixtures, 2025-08-21).
    const result = windows({
      'anthropic-ratelimit-input-tokens-limit': '80000',
      'anthropic-ratelimit-input-tokens-remaining': '80000',
      'anthropic-ratelimit-input-tokens-reset': '2025-08-21T12:40:59Z',
      'anthropic-ratelimit-output-tokens-limit': '16000',
      'anthropic-ratelimit-output-tokens-remaining': '16000',
      'anthropic-ratelimit-output-tokens-reset': '2025-08-21T12:41:00Z',
      'anthropic-ratelimit-requests-limit': '1000',
      'anthropic-ratelimit-requests-remaining': '999',
      'anthropic-ratelimit-requests-reset': '2025-08-21T12:40:59Z',
      'anthropic-ratelimit-tokens-limit': '96000',
      'anthropic-ratelimit-tokens-remaining': '96000',
      'anthropic-ratelimit-tokens-reset': '2025-08-21T12:40:59Z',
    });
    expect(result).toEqual([
      { dimension: 'input_tokens', scope: 'minute', limit: 80_000, remaining: 80_000, resetAt: Date.parse('2025-08-21T12:40:59Z') },
      { dimension: 'output_tokens', scope: 'minute', limit: 16_000, remaining: 16_000, resetAt: Date.parse('2025-08-21T12:41:00Z') },
      { dimension: 'requests', scope: 'minute', limit: 1_000, remaining: 999, resetAt: Date.parse('2025-08-21T12:40:59Z') },
      { dimension: 'tokens', scope: 'minute', limit: 96_000, remaining: 96_000, resetAt: Date.parse('2025-08-21T12:40:59Z') },
    ]);
  });

  it('OpenRouter: bare names in any case, reset in epoch ms', () => {
    // The headers OpenRouter's 429 for free-models-per-day carries (error.metadata.headers).
    const result = windows({ 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1788220800000' });
    expect(result).toEqual([{ dimension: 'requests', scope: 'unknown', limit: 50, remaining: 0, resetAt: 1_788_220_800_000 }]);
  });

  it.each([
    ['1s', 1_000],
    ['6m0s', 360_000],
    ['2m59.56s', 179_560],
    ['1h2m3.5s', 3_723_500],
    ['120ms', 120],
    ['0.5s', 500],
    ['1m', 60_000],
    ['1500us', 2],
    ['3', 3_000],
  ])('reads the reset %s as %i ms from now', (value, ms) => {
    expect(windows({ 'x-ratelimit-reset-requests': value })?.[0]?.resetAt).toBe(NOW + ms);
  });

  it('reads an hourly or monthly window with scope unknown, and Mistral-style req-minute as requests per minute', () => {
    expect(windows({ 'x-ratelimit-remaining-tokens-month': '5', 'x-ratelimit-remaining-req-minute': '717' })).toEqual([
      { dimension: 'tokens', scope: 'unknown', remaining: 5 },
      { dimension: 'requests', scope: 'minute', remaining: 717 },
    ]);
  });

  it('answers undefined when there are no rate-limit headers', () => {
    expect(parseQuotaHeaders({}, NOW)).toBeUndefined();
    expect(parseQuotaHeaders({ 'content-type': 'application/json', 'retry-after': '7', 'x-request-id': 'req_1' }, NOW)).toBeUndefined();
  });

  it('ignores values that do not parse, and a window left with none', () => {
    expect(
      windows({
        'x-ratelimit-remaining-requests': 'lots',
        'x-ratelimit-reset-requests': 'soon',
        'x-ratelimit-remaining-tokens': '-1',
        'x-ratelimit-limit-tokens': '12',
        'x-ratelimit-reset-tokens': '1x',
        'anthropic-ratelimit-requests-remaining': '3',
        'anthropic-ratelimit-requests-reset': 'tomorrow',
      }),
    ).toEqual([
      { dimension: 'tokens', scope: 'unknown', limit: 12 },
      { dimension: 'requests', scope: 'minute', remaining: 3 },
    ]);
    expect(parseQuotaHeaders({ 'x-ratelimit-reset-tokens': 'm1s', 'x-ratelimit-remaining-requests': '' }, NOW)).toBeUndefined();
  });
});

describe('quotaRestUntil', () => {
  const signal = (...w: QuotaSignal['windows']): QuotaSignal => ({ windows: w });

  it('is undefined while every window has something left, or an empty one says no reset', () => {
    expect(quotaRestUntil(signal({ dimension: 'requests', scope: 'minute', remaining: 1, resetAt: NOW + 5 }))).toBeUndefined();
    expect(quotaRestUntil(signal({ dimension: 'requests', scope: 'day', remaining: 0 }))).toBeUndefined();
  });

  it('rests until the latest reset among the empty windows, with its scope', () => {
    const groqBothSpent = parseQuotaHeaders(
      { 'x-groq-region': 'dls', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2m59.56s', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '7.66s' },
      NOW,
    )!;
    expect(quotaRestUntil(groqBothSpent)).toEqual({ until: NOW + 179_560, scope: 'day' });
    const tokensSpent = parseQuotaHeaders({ 'x-ratelimit-remaining-tokens-minute': '0', 'x-ratelimit-reset-tokens-minute': '11.4', 'x-ratelimit-remaining-requests-day': '9' }, NOW)!;
    expect(quotaRestUntil(tokensSpent)).toEqual({ until: NOW + 11_400, scope: 'minute' });
  });
});

describe('scopeFromText', () => {
  it.each([
    ['Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_1` on tokens per day (TPD): Limit 100000', 'day'],
    ['Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day', 'day'],
    ['Rate limit exceeded: limit_rpd/google/gemini-2.0-flash-thinking-exp-01-21/54276bca', 'day'],
    ['GenerateRequestsPerDayPerProjectPerModel-FreeTier', 'day'],
    ['Rate limit reached for gpt-4o in organization org-1 on requests per min (RPM): Limit 3, Used 3, Requested 1.', 'minute'],
    ['Rate limit exceeded: limit_rpm/qwen/qwen3-coder-480b-a35b-07-25/a9bb', 'minute'],
    ['GenerateRequestsPerMinutePerProjectPerModel-FreeTier', 'minute'],
    ['This request would exceed your organization\u2019s rate limit of 50,000 input tokens per minute', 'minute'],
    ['Too many requests, please slow down', 'unknown'],
    ['The minimum is 1 request', 'unknown'],
  ] as const)('%s → %s', (text, scope) => {
    expect(scopeFromText(text)).toBe(scope);
  });
});

describe('rateLimitQuota', () => {
  const groqDaily = 'Rate limit reached for model `m` in organization `o` on tokens per day (TPD): Limit 100000, Used 99640. Please try again in 11m54s.';

  it('takes the scope from the message and the reset from Retry-After when no header window is spent', () => {
    const headers = { 'x-groq-region': 'dls', 'x-ratelimit-remaining-tokens': '5000', 'x-ratelimit-reset-tokens': '2s' };
    expect(rateLimitQuota(headers, groqDaily, 714_000, NOW)).toEqual({ scope: 'day', resetAt: NOW + 714_000 });
  });

  it('takes scope and reset from the spent header window when the message names none', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1788220800000' };
    expect(rateLimitQuota(headers, 'Rate limit exceeded', 5_000, NOW)).toEqual({ scope: 'unknown', resetAt: 1_788_220_800_000 });
  });

  it('ignores a spent window of another length than the message names', () => {
    const headers = { 'x-ratelimit-remaining-tokens-minute': '0', 'x-ratelimit-reset-tokens-minute': '3' };
    expect(rateLimitQuota(headers, 'free-models-per-day', undefined, NOW)).toEqual({ scope: 'day' });
  });

  it('says nothing when neither message nor headers describe a quota', () => {
    expect(rateLimitQuota({ 'retry-after': '7' }, 'Too many requests', 7_000, NOW)).toBeUndefined();
  });
});

describe('nextMidnight in America/Los_Angeles', () => {
  it.each([
    ['summer (PDT)', '2025-06-02T12:00:00Z', '2025-06-03T07:00:00Z'],
    ['winter (PST)', '2025-01-15T12:00:00Z', '2025-01-16T08:00:00Z'],
    ['one second before midnight', '2025-06-03T06:59:59Z', '2025-06-03T07:00:00Z'],
    ['at midnight: the next one', '2025-06-03T07:00:00Z', '2025-06-04T07:00:00Z'],
    ['night of the spring-forward switch', '2025-03-09T09:30:00Z', '2025-03-10T07:00:00Z'],
    ['night of the fall-back switch', '2025-11-02T08:30:00Z', '2025-11-03T08:00:00Z'],
  ])('%s: %s → %s', (_name, now, expected) => {
    expect(new Date(nextMidnight('America/Los_Angeles', Date.parse(now))).toISOString()).toBe(new Date(expected).toISOString());
  });
});
