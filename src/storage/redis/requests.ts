// The Redis request log: one capped Redis Stream, `<prefix>requests`, shared by every instance; field `r` = the row's
// JSON. Entry ids are Redis's clock at append (a request is appended when it ends), so the stream is newest last and
// a row's id is its cursor; `MAXLEN ~ maxRows` bounds the count and `XTRIM MINID ~ <now - retention>` the age (both
// approximate, whole stream nodes: list also cuts at the retention by the row's ts).
//
// list() reads backwards with XREVRANGE and filters here: a filter that matches few rows walks many entries, so one
// call reads at most MAX_SCAN entries and then answers with what it found and a cursor to go on from (a page may
// then hold fewer rows than asked, with more to come). append() never throws and never awaits: failures are logged
// once per outage with the route only (ioredis attaches the command's arguments, the row, to its errors).
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { badCursor, matchesRequest, pageSize } from '../request-rows.js';
import type { RequestLogOptions, RequestLogStore, RequestRecord, StoredRequest } from '../types.js';
import { LuaScript } from './lua-script.js';
import { queueScript, sendQueued } from './script-batch.js';

/** Options of the Redis request log. */
export interface RedisRequestLogOptions extends RequestLogOptions {
  /** Prefix of the stream key (default `switchboard:`). */
  keyPrefix?: string;
  logger: Logger;
}

/** The stream field holding the row's JSON. */
const FIELD = 'r';
/** Appends waiting on Redis beyond which new ones are dropped (and counted), so an outage cannot exhaust memory. */
const MAX_PENDING_APPENDS = 10_000;
/** Entries per XREVRANGE when a filter is given. */
const PAGE = 500;
/** Entries one list() call reads at most before it answers with a cursor to go on from. */
export const MAX_SCAN = 20_000;
/** How far the gateway's clock (a row's ts) may be ahead of Redis's (its entry id) for `since` to find the row. */
const CLOCK_SLACK_MS = 10 * 60_000;

/** KEYS[1]: the stream. ARGV: maxRows, MINID (ms), row JSON, key TTL (ms). Returns the entry's id. */
const APPEND_SCRIPT = new LuaScript(
  'request-log-append',
  `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', '${FIELD}', ARGV[3])
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return id
`,
);

/** A RequestLogStore on `redis` (the caller's connection: used, never closed). `now` is the retention's clock. */
export function createRedisRequestLog(
  redis: Redis,
  options: RedisRequestLogOptions,
  now: () => number = Date.now,
): RequestLogStore {
  const { logger } = options;
  const key = `${options.keyPrefix ?? 'switchboard:'}requests`;
  const maxRows = String(Math.max(1, Math.floor(options.maxRows)));
  const retentionMs = Math.max(0, Math.floor(options.retentionMs));
  const pending = new Set<Promise<void>>();
  let failing = 0;

  function failed(reason: string, record: RequestRecord): void {
    failing += 1;
    if (failing === 1)
      logger.warn({ route: record.route, error: reason }, 'request log: append failed; counting until one succeeds');
  }

  function append(record: RequestRecord): void {
    if (pending.size >= MAX_PENDING_APPENDS) {
      failed(`more than ${MAX_PENDING_APPENDS} appends waiting`, record);
      return;
    }
    const minId = String(Math.max(0, Math.floor(now() - retentionMs)));
    // Redis's clock names the entry: an idle stream still expires a retention after its last row.
    const args = [key, maxRows, minId, JSON.stringify(record), String(retentionMs)];
    const sent = queueScript(redis, APPEND_SCRIPT, 1, args).reply.then(
      () => {
        if (failing > 0) logger.warn({ failed: failing }, 'request log: appends succeed again');
        failing = 0;
      },
      (err: unknown) => failed(err instanceof Error ? err.message : String(err), record),
    );
    const tracked = sent.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  return {
    append,
    async list(query) {
      if (query.before !== undefined && !/^\d{1,15}-\d{1,15}$/.test(query.before)) throw badCursor(query.before);
      const limit = pageSize(query.limit);
      const filtered = query.model ?? query.provider ?? query.status ?? query.clientId ?? query.since;
      const count = filtered === undefined ? limit + 1 : Math.max(PAGE, limit + 1);
      const cutoff = now() - retentionMs;
      // A row is appended when its request ends, so its entry id (Redis's clock then) is not before it arrived: older
      // entries cannot match `since` (with a margin for clocks that disagree).
      const start = query.since === undefined ? '-' : String(Math.max(0, Math.floor(query.since - CLOCK_SLACK_MS)));
      const found: StoredRequest[] = [];
      sendQueued(redis);
      let end = query.before === undefined ? '+' : `(${query.before}`;
      for (let scanned = 0; ; ) {
        const entries = await redis.xrevrange(key, end, start, 'COUNT', count);
        for (const [id, fields] of entries) {
          const record = decodeRow(fields);
          if (record !== undefined && record.ts >= cutoff && matchesRequest(record, query))
            found.push({ ...record, id });
          if (found.length > limit) return { rows: found.slice(0, limit), next: found[limit - 1]!.id };
        }
        scanned += entries.length;
        if (entries.length < count) return { rows: found };
        end = `(${entries[entries.length - 1]![0]}`;
        if (scanned >= MAX_SCAN) return { rows: found, next: end.slice(1) };
      }
    },
    async flush() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}

/** The row of one stream entry, or undefined when the entry is not one (another writer, a hand edit). */
function decodeRow(fields: string[]): RequestRecord | undefined {
  const at = fields.indexOf(FIELD);
  const json = at % 2 === 0 ? fields[at + 1] : undefined;
  if (json === undefined) return undefined;
  try {
    const row: unknown = JSON.parse(json);
    if (typeof row !== 'object' || row === null) return undefined;
    const { ts, route, attempts } = row as Partial<RequestRecord>;
    return typeof ts === 'number' && typeof route === 'string' && Array.isArray(attempts)
      ? (row as RequestRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
