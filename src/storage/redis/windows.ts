// Redis sliding windows: a hash per key and window (field = bucket index), checked and added in one Lua script.
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import type { ConsumeResult, WindowRule, WindowStore } from '../types.js';
import {
  bucketOf,
  checkRule,
  checkWindowAmount,
  countAt,
  oldestCounted,
  retryAfterMs,
  windowLevel,
  windowTtlMs,
  type Bucket,
} from '../window-buckets.js';

/** ARGV values per rule in CONSUME_SCRIPT. */
const STRIDE = 5;

/**
 * KEYS: one hash per rule. ARGV, per rule: its bucket at `now`, the oldest bucket that counts at `now`, limit, amount,
 * TTL (ms). The bucket indexes come from window-buckets.ts, so the script only mirrors countAt and fits: drop stale
 * fields, sum the rest, compare. When every rule fits, adds every amount (an amount of 0, a check only, writes
 * nothing) and returns 0. Otherwise adds nothing and returns { refused rule (1-based), what earlier rules on the same
 * key would add, its live fields }, so that the caller computes retryAfterMs with the memory backend's code.
 */
const CONSUME_SCRIPT = new LuaScript(
  'window-consume',
  `
local pending = {}
for i = 1, #KEYS do
  local base = (i - 1) * ${STRIDE}
  local oldest = tonumber(ARGV[base + 2])
  local flat = redis.call('HGETALL', KEYS[i])
  local total = 0
  local live = {}
  for j = 1, #flat, 2 do
    if tonumber(flat[j]) < oldest then
      redis.call('HDEL', KEYS[i], flat[j])
    else
      total = total + math.max(0, tonumber(flat[j + 1]))
      live[#live + 1] = flat[j]
      live[#live + 1] = flat[j + 1]
    end
  end
  local before = pending[KEYS[i]] or 0
  if total + before + tonumber(ARGV[base + 4]) > tonumber(ARGV[base + 3]) then return { i, before, live } end
  pending[KEYS[i]] = before + tonumber(ARGV[base + 4])
end
for i = 1, #KEYS do
  local base = (i - 1) * ${STRIDE}
  if tonumber(ARGV[base + 4]) ~= 0 then
    redis.call('HINCRBY', KEYS[i], ARGV[base + 1], ARGV[base + 4])
    redis.call('PEXPIRE', KEYS[i], ARGV[base + 5])
  end
end
return 0
`,
);

/**
 * KEYS: one hash per entry. ARGV, per entry: its bucket, amount, TTL (ms). Mirrors addTo: a bucket never goes below 0
 * (a field at 0 is removed; Redis drops the hash with its last field).
 */
const ADJUST_SCRIPT = new LuaScript(
  'window-adjust',
  `
for i = 1, #KEYS do
  local base = (i - 1) * 3
  if redis.call('HINCRBY', KEYS[i], ARGV[base + 1], ARGV[base + 2]) <= 0 then redis.call('HDEL', KEYS[i], ARGV[base + 1]) end
  redis.call('PEXPIRE', KEYS[i], ARGV[base + 3])
end
return 0
`,
);

export interface RedisWindowStoreOptions {
  /** Prefix of the window keys (default `switchboard:`): stores with one prefix on one Redis count together. */
  keyPrefix?: string;
}

/**
 * A WindowStore on `redis` (the caller's connection: it is used, never closed), shared by every instance on that
 * Redis and prefix. One consume is one script over every rule's key: those keys may lie in different hash slots, so
 * this store needs a single Redis (or a Cluster where they happen to share a slot); Cluster is not supported.
 */
export function createRedisWindowStore(redis: Redis, options: RedisWindowStoreOptions = {}): WindowStore {
  const prefix = `${options.keyPrefix ?? 'switchboard:'}win:`;
  const keyOf = (key: string, windowMs: number) => `${prefix}${key}:${windowMs}`;
  return {
    async consume(rules: WindowRule[], now: number): Promise<ConsumeResult> {
      rules.forEach(checkRule);
      if (rules.length === 0) return { ok: true, at: now };
      const keys = rules.map((rule) => keyOf(rule.key, rule.windowMs));
      const args = rules.flatMap((rule) => [
        bucketOf(now, rule.windowMs),
        oldestCounted(rule.windowMs, now),
        rule.limit,
        rule.amount,
        windowTtlMs(rule.windowMs),
      ]);
      const reply = (await CONSUME_SCRIPT.run(redis, keys.length, ...keys, ...args)) as 0 | [number, number, string[]];
      if (reply === 0) return { ok: true, at: now };
      const [position, before, flat] = reply;
      const rule = rules[position - 1]!;
      const amount = before + rule.amount;
      return {
        ok: false,
        key: rule.key,
        retryAfterMs: retryAfterMs(toBuckets(flat), rule.windowMs, rule.limit, amount, now),
      };
    },
    async adjust(entries, at) {
      entries.forEach((entry) => checkWindowAmount(entry.windowMs, entry.amount, false));
      if (entries.length === 0) return;
      const keys = entries.map((entry) => keyOf(entry.key, entry.windowMs));
      const args = entries.flatMap((entry) => [
        bucketOf(at, entry.windowMs),
        entry.amount,
        windowTtlMs(entry.windowMs),
      ]);
      await ADJUST_SCRIPT.run(redis, keys.length, ...keys, ...args);
    },
    async total(key, windowMs, now) {
      checkWindowAmount(windowMs, 0, false);
      const fields = await redis.hgetall(keyOf(key, windowMs));
      return countAt(toBuckets(Object.entries(fields).flat()), windowMs, now);
    },
    async level(key, windowMs, now) {
      checkWindowAmount(windowMs, 0, false);
      const fields = await redis.hgetall(keyOf(key, windowMs));
      return windowLevel(toBuckets(Object.entries(fields).flat()), windowMs, now);
    },
  };
}

/** [field, value, field, value...] of a window hash as buckets. */
function toBuckets(flat: string[]): Bucket[] {
  const buckets: Bucket[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) buckets.push([Number(flat[i]), Number(flat[i + 1])]);
  return buckets;
}
