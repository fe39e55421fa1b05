// Sliding-window bucket math shared by the window stores: the memory backend runs it, the Redis script mirrors it.
import type { WindowLevel, WindowRule } from './types.js';

/**
 * Buckets per window. Twelve divides the common windows (minute, hour, day) into whole milliseconds (5 s, 5 min,
 * 2 h), keeps a Redis hash at 13 fields or fewer (a small listpack, cheap to read whole), and costs at most 1/12 of
 * the window (about 8%) in early refusals, since a partly expired bucket counts whole.
 */
const BUCKETS_PER_WINDOW = 12;

/** One bucket: its index (time / width, floored) and what it holds (never below 0: see addTo). */
export type Bucket = readonly [index: number, count: number];

/**
 * The width of a bucket of `windowMs`, in whole milliseconds (at least 1) so that bucket indexes are integers that
 * JavaScript and Lua compute and print alike. When the window does not divide by 12 there are a few more buckets.
 */
export function bucketWidth(windowMs: number): number {
  return Math.max(1, Math.floor(windowMs / BUCKETS_PER_WINDOW));
}

/** The index of the bucket holding time `at`. */
export function bucketOf(at: number, windowMs: number): number {
  return Math.floor(at / bucketWidth(windowMs));
}

/**
 * The oldest bucket that still counts at `now`: bucket i counts while any of it lies in (now - windowMs, now], i.e.
 * until `expiresAt(i)`. Older buckets are stale and can be dropped.
 */
export function oldestCounted(windowMs: number, now: number): number {
  return Math.floor((now - windowMs) / bucketWidth(windowMs));
}

/** When bucket `index` stops counting: a window after its end. */
export function expiresAt(index: number, windowMs: number): number {
  return (index + 1) * bucketWidth(windowMs) + windowMs;
}

/** The TTL a window's storage needs after a write at any time: the written bucket counts at most this long. */
export function windowTtlMs(windowMs: number): number {
  return windowMs + bucketWidth(windowMs);
}

/**
 * What a bucket holds after adding `amount` (negative: an adjust giving back) to `count`: never below 0, so that
 * giving back more than was taken earns no credit against later requests.
 */
export function addTo(count: number, amount: number): number {
  return Math.max(0, count + amount);
}

/** What the buckets that count at `now` hold together. */
export function countAt(buckets: Iterable<Bucket>, windowMs: number, now: number): number {
  const oldest = oldestCounted(windowMs, now);
  let total = 0;
  for (const [index, count] of buckets) if (index >= oldest) total += Math.max(0, count);
  return total;
}

/**
 * What the buckets hold at `now`, and when all of it has stopped counting: the newest non-empty bucket's expiry (a
 * sliding window frees up gradually; that is when it is whole again).
 */
export function windowLevel(buckets: Iterable<Bucket>, windowMs: number, now: number): WindowLevel {
  const oldest = oldestCounted(windowMs, now);
  let total = 0;
  let newest = -Infinity;
  for (const [index, count] of buckets) {
    if (index < oldest || count <= 0) continue;
    total += count;
    newest = Math.max(newest, index);
  }
  return total === 0 ? { total } : { total, clearsAt: expiresAt(newest, windowMs) };
}

/** Whether `amount` more fits under `limit` on top of `count`. */
export function fits(count: number, amount: number, limit: number): boolean {
  return count + amount <= limit;
}

/**
 * How long after `now` `amount` more would fit under `limit`, assuming nothing else is added: the buckets that count
 * are walked oldest first until enough of them would have expired. At `now + result` it fits; one bucket width
 * earlier it does not. When `amount > limit` it can never fit: the answer is then `windowMs` (a full window, so that
 * callers back off rather than retry at once), and the caller should not expect the retry to succeed.
 */
export function retryAfterMs(
  buckets: Iterable<Bucket>,
  windowMs: number,
  limit: number,
  amount: number,
  now: number,
): number {
  if (amount > limit) return windowMs;
  const oldest = oldestCounted(windowMs, now);
  const counted = [...buckets].filter(([index]) => index >= oldest).sort((a, b) => a[0] - b[0]);
  let remaining = countAt(counted, windowMs, now);
  if (fits(remaining, amount, limit)) return 0;
  for (const [index, count] of counted) {
    remaining -= Math.max(0, count);
    if (fits(remaining, amount, limit)) return expiresAt(index, windowMs) - now;
  }
  return windowMs; // unreachable: once every bucket expired, remaining is 0 and amount <= limit fits
}

/** Throws a RangeError unless `windowMs` is a positive integer and `amount` an integer (>= 0 when `consuming`). */
export function checkWindowAmount(windowMs: number, amount: number, consuming: boolean): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0)
    throw new RangeError(`windowMs must be a positive integer, not ${windowMs}`);
  // Integers only: Redis counts with HINCRBY, and both backends must agree on what they accept.
  if (!Number.isSafeInteger(amount) || (consuming && amount < 0))
    throw new RangeError(`invalid window amount ${amount}`);
}

/** Throws a RangeError for a rule neither backend can count (see checkWindowAmount; `limit` must be finite). */
export function checkRule(rule: WindowRule): void {
  checkWindowAmount(rule.windowMs, rule.amount, true);
  if (!Number.isFinite(rule.limit)) throw new RangeError(`limit must be a finite number, not ${rule.limit}`);
}
