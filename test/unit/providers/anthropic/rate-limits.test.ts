// Anthropic's rate-limit headers read into windows: four per-minute windows with RFC 3339 resets.
import { describe, expect, it } from 'vitest';
import { readAnthropicRateLimits } from '../../../../src/providers/anthropic/rate-limits.js';

const windows = (headers: Record<string, string>) => readAnthropicRateLimits(headers)?.windows;

describe('readAnthropicRateLimits', () => {
  it('reads four per-minute windows with RFC 3339 resets', () => {
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
      {
        dimension: 'input_tokens',
        scope: 'minute',
        limit: 80_000,
        remaining: 80_000,
        resetAt: Date.parse('2025-08-21T12:40:59Z'),
      },
      {
        dimension: 'output_tokens',
        scope: 'minute',
        limit: 16_000,
        remaining: 16_000,
        resetAt: Date.parse('2025-08-21T12:41:00Z'),
      },
      {
        dimension: 'requests',
        scope: 'minute',
        limit: 1_000,
        remaining: 999,
        resetAt: Date.parse('2025-08-21T12:40:59Z'),
      },
      {
        dimension: 'tokens',
        scope: 'minute',
        limit: 96_000,
        remaining: 96_000,
        resetAt: Date.parse('2025-08-21T12:40:59Z'),
      },
    ]);
  });

  it('ignores values that do not parse', () => {
    expect(
      windows({ 'anthropic-ratelimit-requests-remaining': '3', 'anthropic-ratelimit-requests-reset': 'tomorrow' }),
    ).toEqual([{ dimension: 'requests', scope: 'minute', remaining: 3 }]);
  });

  it('answers undefined when there are no Anthropic rate-limit headers', () => {
    expect(
      readAnthropicRateLimits({
        'content-type': 'application/json',
        'retry-after': '7',
        'x-ratelimit-remaining-requests': '0',
      }),
    ).toBeUndefined();
  });
});
