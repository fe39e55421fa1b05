// Redis usage rollups: one hash per hour and per day, `<prefix>usage:<unit ms>:<bucket start>`, whose fields are
// `<group JSON>|<metric>` counters, added to by the usage append script (after its XADD, so a record that was not
// stored is not counted) and expiring a unit's retention after their bucket ends.
//
// `<prefix>usage:rollups-since` says from when the rollups hold every call: 0 when the usage stream did not exist
// yet as the first store of this version opened it, else the next hour start (a deployment upgraded with a month of
// records already in the stream: ranges before that time are read from the records, as before).
import type { Redis } from 'ioredis';
import type { UsageRecord, UsageStoreOptions, UsageSums } from '../types.js';
import { bucketStart, groupKey, HOUR_MS, ROLLUP_UNITS, type RollupUnit, rollupRetentionMs } from '../usage-rollups.js';
import { LuaScript } from './lua-script.js';

/** Counters of a group in a bucket hash: requests, errors, prompt, completion, cost, latency, ttft, streams. */
const METRICS = {
  n: 'requests',
  e: 'errors',
  p: 'promptTokens',
  c: 'completionTokens',
  $: 'costUsd',
  l: 'latencyMs',
  t: 'ttftMs',
  s: 'streams',
} as const;
/** The field holding a group's masked key. */
const MASKED = 'm';

/**
 * Lua run by the usage append script after its XADD. KEYS[2], KEYS[3]: the hour and day hashes. ARGV[6]: the group,
 * ARGV[7]: 1 for an error, ARGV[8..11]: prompt, completion, cost, latency, ARGV[12]: ttft or '', ARGV[13]: the masked
 * key or '', ARGV[14], ARGV[15]: when each hash expires (ms since the epoch).
 */
export const ROLLUP_LUA = `
local g = ARGV[6]
for i = 2, 3 do
  local k = KEYS[i]
  redis.call('HINCRBY', k, g .. '|n', 1)
  if ARGV[7] == '1' then redis.call('HINCRBY', k, g .. '|e', 1) end
  redis.call('HINCRBYFLOAT', k, g .. '|p', ARGV[8])
  redis.call('HINCRBYFLOAT', k, g .. '|c', ARGV[9])
  redis.call('HINCRBYFLOAT', k, g .. '|$', ARGV[10])
  redis.call('HINCRBYFLOAT', k, g .. '|l', ARGV[11])
  if ARGV[12] ~= '' then
    redis.call('HINCRBYFLOAT', k, g .. '|t', ARGV[12])
    redis.call('HINCRBY', k, g .. '|s', 1)
  end
  if ARGV[13] ~= '' then redis.call('HSETNX', k, g .. '|${MASKED}', ARGV[13]) end
  redis.call('PEXPIREAT', k, ARGV[12 + i])
end
`;

/** The hash of `unit`'s bucket starting at `bucket`. */
function bucketKey(prefix: string, unit: RollupUnit, bucket: number): string {
  return `${prefix}usage:${unit}:${bucket}`;
}

/** The KEYS after the stream and the ARGV after the first five that ROLLUP_LUA reads, for `record`. */
export function rollupArgs(
  prefix: string,
  record: UsageRecord,
  options: UsageStoreOptions,
): { keys: string[]; argv: string[] } {
  const buckets = ROLLUP_UNITS.map((unit) => bucketStart(record.ts, unit));
  const finite = (n: number) => String(Number.isFinite(n) ? n : 0);
  return {
    keys: ROLLUP_UNITS.map((unit, i) => bucketKey(prefix, unit, buckets[i]!)),
    argv: [
      groupKey(record),
      record.status === 'error' ? '1' : '0',
      finite(record.promptTokens),
      finite(record.completionTokens),
      finite(record.costUsd),
      finite(record.latencyMs),
      record.ttftMs === undefined ? '' : finite(record.ttftMs),
      record.keyMasked ?? '',
      ...ROLLUP_UNITS.map((unit, i) => String(Math.floor(buckets[i]! + unit + rollupRetentionMs(unit, options)))),
    ],
  };
}

/** The sums per group of `unit`'s buckets starting in [from, to) (one HGETALL per bucket, in one pipeline). */
export async function readRedisRollups(
  redis: Redis,
  prefix: string,
  unit: RollupUnit,
  from: number,
  to: number,
): Promise<UsageSums[]> {
  const pipeline = redis.pipeline();
  for (let bucket = Math.ceil(from / unit) * unit; bucket < to; bucket += unit)
    pipeline.hgetall(bucketKey(prefix, unit, bucket));
  if (pipeline.length === 0) return [];
  const found: UsageSums[] = [];
  for (const [err, hash] of (await pipeline.exec()) ?? []) {
    if (err) throw err;
    const groups = new Map<string, UsageSums>();
    for (const [field, value] of Object.entries(hash as Record<string, string>)) {
      const at = field.lastIndexOf('|');
      const group = field.slice(0, at);
      let sums = groups.get(group);
      if (sums === undefined) {
        const parsed = parseGroup(group);
        if (parsed === undefined) continue;
        groups.set(group, (sums = parsed));
      }
      const metric = field.slice(at + 1);
      if (metric === MASKED) sums.keyMasked = value;
      else if (metric in METRICS) sums[METRICS[metric as keyof typeof METRICS]] = Number(value);
    }
    found.push(...groups.values());
  }
  return found;
}

function parseGroup(group: string): UsageSums | undefined {
  try {
    const [provider, model, keyId, clientId] = JSON.parse(group) as [string, string, string | null, string | null];
    if (typeof provider !== 'string' || typeof model !== 'string') return undefined;
    return {
      provider,
      model,
      ...(typeof keyId === 'string' ? { keyId } : {}),
      ...(typeof clientId === 'string' ? { clientId } : {}),
      requests: 0,
      errors: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      latencyMs: 0,
      ttftMs: 0,
      streams: 0,
    };
  } catch {
    return undefined;
  }
}

/** KEYS[1]: the since key, KEYS[2]: the usage stream. ARGV[1]: the next hour start. Returns the since time. */
const SINCE_SCRIPT = new LuaScript(
  'usage-rollups-since',
  `
local since = redis.call('GET', KEYS[1])
if since then return since end
if redis.call('EXISTS', KEYS[2]) == 1 then since = ARGV[1] else since = '0' end
redis.call('SET', KEYS[1], since)
return since
`,
);

/** Reads (setting it the first time) from when the rollups on this Redis and prefix hold every call. */
export async function rollupsSince(redis: Redis, prefix: string, stream: string, now: number): Promise<number> {
  const next = Math.ceil(now / HOUR_MS) * HOUR_MS;
  return Number(await SINCE_SCRIPT.run(redis, 2, `${prefix}usage:rollups-since`, stream, String(next)));
}
