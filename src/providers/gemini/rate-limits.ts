// Gemini's rate limits: none in the headers; a 429's QuotaFailure names the quota, and a daily one resets at midnight
// Pacific.
import type { ProviderQuota } from '../errors.js';
import { scopeFromText, type QuotaSignal } from '../rate-limits.js';

/** "Requests per day (RPD) quotas reset at midnight Pacific time" (ai.google.dev/gemini-api/docs/rate-limits). */
const DAILY_RESET_ZONE = 'America/Los_Angeles';

/**
 * The Gemini API sends no rate-limit headers: what it says about quotas comes with a 429, in the error body
 * (see `quotaOfViolations`), so an answer's headers describe no window.
 */
export function readGeminiRateLimits(): QuotaSignal | undefined {
  return undefined;
}

/**
 * The quota a 429 names through its QuotaFailure violations' quotaId or quotaMetric (a day wins); none when it
 * names none. A daily quota resets at the next midnight Pacific time (RetryInfo is no guide to that one: Google has
 * been seen sending "38s" for a spent day), a per-minute one when RetryInfo (`retryAfterMs`) says.
 */
export function quotaOfViolations(
  violations: Array<Record<string, unknown>>,
  retryAfterMs: number | undefined,
  now: number,
): ProviderQuota | undefined {
  const scopes = violations.map((v) =>
    scopeFromText(`${String(v['quotaId'] ?? '')} ${String(v['quotaMetric'] ?? '')}`),
  );
  const limitOf = (scope: 'day' | 'minute') => {
    const v = violations[scopes.indexOf(scope)]!;
    const value = Number(v['quotaValue']);
    if (!Number.isInteger(value) || value <= 0) return {};
    const named = `${String(v['quotaId'] ?? '')} ${String(v['quotaMetric'] ?? '')}`;
    const dimension = /token/i.test(named) ? ('tokens' as const) : ('requests' as const);
    return { limit: { value, dimension, source: `QuotaFailure ${String(v['quotaId'] ?? v['quotaMetric'])}` } };
  };
  if (scopes.includes('day')) return { scope: 'day', resetAt: nextMidnight(DAILY_RESET_ZONE, now), ...limitOf('day') };
  if (scopes.includes('minute'))
    return {
      scope: 'minute',
      ...(retryAfterMs === undefined ? {} : { resetAt: now + retryAfterMs }),
      ...limitOf('minute'),
    };
  return undefined;
}

/** The next midnight in `timeZone` after `now` (ms since the epoch), daylight saving included. */
export function nextMidnight(timeZone: string, now: number): number {
  const offset = zoneOffsetMs(timeZone, now);
  const local = new Date(now + offset);
  const target = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  // The offset may change between now and that midnight (a DST switch at 2 am in between): correct by the offset there.
  return target - zoneOffsetMs(timeZone, target - offset);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `at` (negative west of Greenwich). */
function zoneOffsetMs(timeZone: string, at: number): number {
  let format = zoneFormats.get(timeZone);
  if (format === undefined) {
    const fields = {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    } as const;
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...fields });
    zoneFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}
