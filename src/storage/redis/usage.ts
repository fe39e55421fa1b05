// Redis usage records: one capped Redis Stream, `<prefix>usage`, shared by every instance; field `r` = the record JSON.
//
// Entry ids follow the records' ts where they can: the append script (one Lua call, so one round trip and atomic)
// adds with id `<ts>-*`, or with `*` (Redis's clock) when ts is ahead of Redis's clock or not above the stream's last
// id (a late record, or an instance whose clock is behind). An id is thus ts, or the arrival time of a record that
// came late or from a skewed clock; query reads the id range [from - margin, to + margin] and then filters by ts, so
// the id is only an index and ts stays the truth. Because old records get old ids, `XTRIM MINID ~ <now - retention>`
// drops them by age; `MAXLEN ~ maxRecords` bounds the count. Both are approximate (whole stream nodes, cheap): up to
// a node more may stay, so query also cuts at retention, and maxRecords is exceeded by up to a node (about 100).
// The key's TTL is renewed to retention (+ margin) by each append, so an idle stream goes away by itself.
//
// Each append also adds the record to its hour's and its day's rollup hash, in the same script (usage-rollups.ts).
//
// append() never throws and never awaits: failures are logged (once per outage, then counted, like the event log)
// with provider and model only, never the error object, since ioredis attaches the command's arguments (the record) to
// its errors. flush() awaits the appends in flight.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { UsageRecord, UsageStore, UsageStoreOptions } from '../types.js';
import { readUsageTotals } from '../usage-rollups.js';
import { LuaScript } from './lua-script.js';
import { queueScript, sendQueued } from './script-batch.js';
import { readRedisRollups, ROLLUP_LUA, rollupArgs, rollupsSince } from './usage-rollups.js';

/** Options of the Redis usage store. */
export interface RedisUsageStoreOptions extends UsageStoreOptions {
  /** Prefix of the stream key (default `switchboard:`). */
  keyPrefix?: string;
  /** Where append failures and unreadable entries are reported. */
  logger: Logger;
}

/** How far an entry's id may be from its record's ts (late appends, clock skew between instances and Redis). */
export const USAGE_ID_MARGIN_MS = 5 * 60 * 1000;
/** The stream field holding the record JSON. */
const USAGE_FIELD = 'r';
/** Appends waiting on Redis beyond which new ones are dropped (and counted), so an outage cannot exhaust memory. */
const MAX_PENDING_APPENDS = 10_000;
/** Entries per XRANGE reply, so a day of records never comes back as one huge reply. */
const PAGE = 1_000;

/**
 * KEYS[1]: the stream, KEYS[2..3]: the rollup hashes. ARGV[1..5]: ts (integer ms), maxRecords, MINID (ms), record
 * JSON, key TTL (ms); then ROLLUP_LUA's. Returns the id.
 */
const APPEND_SCRIPT = new LuaScript(
  'usage-append',
  `
local t = redis.call('TIME')
local redisMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local added
if tonumber(ARGV[1]) <= redisMs then
  added = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[1] .. '-*', '${USAGE_FIELD}', ARGV[4])
end
if added == nil or (type(added) == 'table' and added.err) then
  added = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', '${USAGE_FIELD}', ARGV[4])
end
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
${ROLLUP_LUA}
return added
`,
);

/**
 * A UsageStore on `redis` (the caller's connection: it is used, never closed). `now` is the clock retention is
 * measured with (default Date.now).
 */
export function createRedisUsageStore(
  redis: Redis,
  options: RedisUsageStoreOptions,
  now: () => number = Date.now,
): UsageStore {
  const { logger } = options;
  const prefix = options.keyPrefix ?? 'switchboard:';
  const key = `${prefix}usage`;
  const maxRecords = String(Math.max(1, Math.floor(options.maxRecords)));
  const retentionMs = Math.max(0, Math.floor(options.retentionMs));
  const ttlMs = String(retentionMs + USAGE_ID_MARGIN_MS);
  const pending = new Set<Promise<void>>();
  let failing = 0;
  // Sent before any append of this store (one connection keeps the order), so a stream this store creates counts as
  // new; a failure is asked again by the next totals().
  let since: Promise<number> | undefined;
  const sinceOf = () => {
    since ??= rollupsSince(redis, prefix, key, now()).catch((err: unknown) => {
      since = undefined;
      throw err;
    });
    return since;
  };
  sinceOf().catch(() => undefined);

  function failed(reason: string, record: UsageRecord): void {
    failing += 1;
    if (failing === 1) {
      logger.warn(
        { provider: record.provider, model: record.model, error: reason },
        'usage: append failed; counting further failures until one succeeds',
      );
    }
  }

  function succeeded(): void {
    if (failing === 0) return;
    logger.warn({ failed: failing }, 'usage: appends succeed again');
    failing = 0;
  }

  function append(record: UsageRecord): void {
    const refused = !Number.isFinite(record.ts)
      ? 'ts is not a number'
      : pending.size >= MAX_PENDING_APPENDS
        ? `more than ${MAX_PENDING_APPENDS} appends waiting on redis`
        : undefined;
    if (refused !== undefined) {
      failed(refused, record);
      return;
    }
    let json: string;
    try {
      json = JSON.stringify(record);
    } catch (err) {
      failed(err instanceof Error ? err.message : 'not serialisable', record);
      return;
    }
    const ts = String(Math.max(0, Math.floor(record.ts)));
    const minId = String(Math.max(0, Math.floor(now() - retentionMs)));
    const rollup = rollupArgs(prefix, record, options);
    const args = [key, ...rollup.keys, ts, maxRecords, minId, json, ttlMs, ...rollup.argv];
    const sent = queueScript(redis, APPEND_SCRIPT, 1 + rollup.keys.length, args).reply.then(
      () => succeeded(),
      (err: unknown) => failed(err instanceof Error ? err.message : String(err), record),
    );
    const tracked = sent.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  async function query(from: number, to: number): Promise<UsageRecord[]> {
    const start = Math.max(from, now() - retentionMs);
    if (!(start <= to)) return [];
    const found: UsageRecord[] = [];
    let invalid = 0;
    sendQueued(redis);
    let cursor = String(Math.max(0, Math.floor(start - USAGE_ID_MARGIN_MS)));
    const end = String(Math.max(0, Math.ceil(to + USAGE_ID_MARGIN_MS)));
    for (;;) {
      const entries = await redis.xrange(key, cursor, end, 'COUNT', PAGE);
      for (const [, fields] of entries) {
        const record = decodeRecord(fields);
        if (record === undefined) invalid += 1;
        else if (record.ts >= start && record.ts <= to) found.push(record);
      }
      if (entries.length < PAGE) break;
      cursor = `(${entries[entries.length - 1]![0]}`;
    }
    if (invalid > 0) logger.warn({ invalid }, 'usage: skipped stored entries that are not usage records');
    // Ids follow arrival where a record came late: order by ts (stable, so equal ts keep stream order).
    return found.sort((a, b) => a.ts - b.ts);
  }

  return {
    append,
    query,
    async totals(from, to) {
      sendQueued(redis);
      const rollups = readRedisRollups.bind(undefined, redis, prefix);
      return readUsageTotals({ records: query, rollups, since: await sinceOf() }, from, to);
    },
    async flush() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}

/** The record of one stream entry, or undefined when the entry is not one (another writer, a hand edit). */
function decodeRecord(fields: string[]): UsageRecord | undefined {
  const at = fields.indexOf(USAGE_FIELD);
  const json = at % 2 === 0 ? fields[at + 1] : undefined;
  if (json === undefined) return undefined;
  try {
    const record: unknown = JSON.parse(json);
    if (typeof record !== 'object' || record === null) return undefined;
    const { ts, provider, model } = record as Partial<UsageRecord>;
    return typeof ts === 'number' && typeof provider === 'string' && typeof model === 'string'
      ? (record as UsageRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
