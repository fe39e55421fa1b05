// Quota signals whatever the protocol: when a key must rest, and which window a 429's words and headers name.
import { describe, expect, it } from 'vitest';
import { readOpenAIRateLimits } from '../../../src/providers/openai/rate-limits.js';
import { quotaRestUntil, rateLimitQuota, scopeFromText, type QuotaSignal } from '../../../src/providers/rate-limits.js';

const NOW = Date.parse('2025-06-02T12:00:00Z');
/** Headers as the openai protocol reads them, the provider family whose answers these cases come from. */
const read = (headers: Record<string, string>) => readOpenAIRateLimits(headers, NOW);

describe('quotaRestUntil', () => {
  const signal = (...w: QuotaSignal['windows']): QuotaSignal => ({ windows: w });

  it('is undefined while every window has something left, or an empty one says no reset', () => {
    expect(
      quotaRestUntil(signal({ dimension: 'requests', scope: 'minute', remaining: 1, resetAt: NOW + 5 })),
    ).toBeUndefined();
    expect(quotaRestUntil(signal({ dimension: 'requests', scope: 'day', remaining: 0 }))).toBeUndefined();
  });

  it('rests until the latest reset among the empty windows, with its scope', () => {
    const groqBothSpent = readOpenAIRateLimits(
      {
        'x-groq-region': 'dls',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '7.66s',
      },
      NOW,
    )!;
    expect(quotaRestUntil(groqBothSpent)).toEqual({ until: NOW + 179_560, scope: 'day' });
    const tokensSpent = readOpenAIRateLimits(
      {
        'x-ratelimit-remaining-tokens-minute': '0',
        'x-ratelimit-reset-tokens-minute': '11.4',
        'x-ratelimit-remaining-requests-day': '9',
      },
      NOW,
    )!;
    expect(quotaRestUntil(tokensSpent)).toEqual({ until: NOW + 11_400, scope: 'minute' });
  });
});

describe('scopeFromText', () => {
  it.each([
    [
      'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_1` on tokens per day (TPD): Limit 100000',
      'day',
    ],
    ['Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day', 'day'],
    ['Rate limit exceeded: limit_rpd/google/gemini-2.0-flash-thinking-exp-01-21/54276bca', 'day'],
    ['GenerateRequestsPerDayPerProjectPerModel-FreeTier', 'day'],
    [
      'Rate limit reached for gpt-4o in organization org-1 on requests per min (RPM): Limit 3, Used 3, Requested 1.',
      'minute',
    ],
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
  const groqDaily =
    'Rate limit reached for model `m` in organization `o` on tokens per day (TPD): Limit 100000, Used 99640. Please try again in 11m54s.';

  it('takes the scope from the message and the reset from Retry-After when no header window is spent', () => {
    const headers = {
      'x-groq-region': 'dls',
      'x-ratelimit-remaining-tokens': '5000',
      'x-ratelimit-reset-tokens': '2s',
    };
    expect(rateLimitQuota(read(headers), groqDaily, 714_000, NOW)).toEqual({
      scope: 'day',
      resetAt: NOW + 714_000,
      // The message's "Limit 100000" on tokens per day: a limit the key pool learns.
      limit: { value: 100_000, dimension: 'tokens', source: '429 body' },
    });
  });

  it('takes scope and reset from the spent header window when the message names none', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1788220800000' };
    expect(rateLimitQuota(read(headers), 'Rate limit exceeded', 5_000, NOW)).toEqual({
      scope: 'unknown',
      resetAt: 1_788_220_800_000,
    });
  });

  it('ignores a spent window of another length than the message names', () => {
    const headers = { 'x-ratelimit-remaining-tokens-minute': '0', 'x-ratelimit-reset-tokens-minute': '3' };
    expect(rateLimitQuota(read(headers), 'free-models-per-day', undefined, NOW)).toEqual({ scope: 'day' });
  });

  it('says nothing when neither message nor headers describe a quota', () => {
    expect(rateLimitQuota(read({ 'retry-after': '7' }), 'Too many requests', 7_000, NOW)).toBeUndefined();
  });
});
