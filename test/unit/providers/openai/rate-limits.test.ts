// OpenAI-compatible rate-limit headers read into windows: OpenAI, Groq, Cerebras, Mistral and OpenRouter.
import { describe, expect, it } from 'vitest';
import { readOpenAIRateLimits } from '../../../../src/providers/openai/rate-limits.js';

const NOW = Date.parse('2025-06-02T12:00:00Z');
const windows = (headers: Record<string, string>) => readOpenAIRateLimits(headers, NOW)?.windows;

describe('readOpenAIRateLimits: each provider', () => {
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

  it('OpenRouter: bare names in any case, reset in epoch ms', () => {
    // The headers OpenRouter's 429 for free-models-per-day carries (error.metadata.headers).
    const result = windows({
      'X-RateLimit-Limit': '50',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': '1788220800000',
    });
    expect(result).toEqual([
      { dimension: 'requests', scope: 'unknown', limit: 50, remaining: 0, resetAt: 1_788_220_800_000 },
    ]);
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
    expect(readOpenAIRateLimits({}, NOW)).toBeUndefined();
    expect(
      readOpenAIRateLimits({ 'content-type': 'application/json', 'retry-after': '7', 'x-request-id': 'req_1' }, NOW),
    ).toBeUndefined();
  });

  it('ignores values that do not parse, and a window left with none', () => {
    expect(
      windows({
        'x-ratelimit-remaining-requests': 'lots',
        'x-ratelimit-reset-requests': 'soon',
        'x-ratelimit-remaining-tokens': '-1',
        'x-ratelimit-limit-tokens': '12',
        'x-ratelimit-reset-tokens': '1x',
      }),
    ).toEqual([{ dimension: 'tokens', scope: 'unknown', limit: 12 }]);
    expect(
      readOpenAIRateLimits({ 'x-ratelimit-reset-tokens': 'm1s', 'x-ratelimit-remaining-requests': '' }, NOW),
    ).toBeUndefined();
  });
});
