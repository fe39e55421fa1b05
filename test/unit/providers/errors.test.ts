// httpError's quota for rate limits, and withoutSecret keeping every field but the secret.
import { describe, expect, it } from 'vitest';
import { httpError, ProviderError, withoutSecret } from '../../../src/providers/errors.js';
import { readOpenAIRateLimits } from '../../../src/providers/openai/rate-limits.js';

const NOW = Date.parse('2025-06-02T12:00:00Z');
const spentDay = { 'x-ratelimit-remaining-requests-day': '0', 'x-ratelimit-reset-requests-day': '3600' };
const options = { now: NOW, readRateLimits: readOpenAIRateLimits };

describe('httpError quota', () => {
  it('a 429 with a spent window in its headers gets that window as its quota', () => {
    expect(httpError(429, 'Too many requests', spentDay, options).quota).toEqual({
      scope: 'day',
      resetAt: NOW + 3_600_000,
    });
  });

  it('an answer that is not a rate limit gets none, whatever its headers', () => {
    expect(httpError(500, 'oops', spentDay, options).quota).toBeUndefined();
    expect(httpError(400, 'requests per day', {}, options).quota).toBeUndefined();
  });
});

describe('withoutSecret', () => {
  it('masks the key in the message and keeps kind, status, delay, code and quota', () => {
    const key = 'gsk_0123456789abcdef3f9a';
    const err = new ProviderError(`Invalid key ${key} for per-day quota`, {
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 5_000,
      upstreamCode: 'rate_limit_exceeded',
      quota: { scope: 'day', resetAt: NOW + 1 },
    });
    const masked = withoutSecret(err, key) as ProviderError;
    expect(masked.message).toBe('Invalid key gsk_…3f9a for per-day quota');
    expect(masked).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: 5_000,
      upstreamCode: 'rate_limit_exceeded',
      quota: { scope: 'day', resetAt: NOW + 1 },
    });
  });
});
