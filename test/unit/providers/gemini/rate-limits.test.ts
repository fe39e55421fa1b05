// Gemini's rate limits: no window in the headers, and the next midnight Pacific time when a daily quota resets.
import { describe, expect, it } from 'vitest';
import { nextMidnight, readGeminiRateLimits } from '../../../../src/providers/gemini/rate-limits.js';

describe('readGeminiRateLimits', () => {
  it("reads no window from headers: Gemini reports quotas in a 429's body, not in headers", () => {
    expect(readGeminiRateLimits()).toBeUndefined();
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
    expect(new Date(nextMidnight('America/Los_Angeles', Date.parse(now))).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });
});
