// Redis event log: a capped stream per run, a thread index, and live delivery to any instance over pub/sub.
//
// Layout (event-layout.ts): `<prefix>events:run:<runId>` is a stream, one entry per event, id `<seq>-0` (so Redis
// keeps seq order, refuses a repeated seq, and read(afterSeq) is a range query), field `e` = the event JSON, capped by
// `XADD MAXLEN ~ maxEventsPerRun` (approximate: Redis drops whole macro-nodes, so up to ~100 more may stay).
// `<prefix>events:thread:<threadId>` is a sorted set of the thread's run ids scored by the ts of each run's
// run_started (else its first event, ZADD NX): the runs in start order. run_started also resets a reused run id.
//
// Retention: each event of an unfinished run sets its stream's TTL to `unfinishedTtlMs` (24 h by default), a sliding
// TTL: an abandoned run goes 24 h after its last event, while a live one (an agent waiting hours on a human) stays.
// run_finished / run_failed set it to `retentionMs`. Each event of a thread sets the index's TTL to the longer one, so
// the index outlives its runs; read() prunes the entries of runs that have expired.
//
// Append: one Lua script per event (append-script.ts) stores it, sets the TTLs, indexes the thread, and only then
// publishes the JSON on `<prefix>events:live:run:<runId>` (and `...:live:thread:<threadId>`), atomically; a refused
// event is neither stored nor published. append() only queues, through the connection's batch of scripts
// (script-batch.ts) with `soon`: the events of one tick go out as one pipeline once its microtasks have run, with the
// other stores' writes queued by then (one socket write; measured here: about 50 µs of CPU per event at one event per
// tick, 14 µs in bursts, against 93 and 67 µs when sending 4-6 commands per event). Scripts run in send order on one
// connection, so runs keep their order; read() sends what is queued first, so a log reads its own writes. Failures are
// logged, never thrown (once per outage, then counted).
//
// Live follow is pub/sub, not XREAD BLOCK: follow() resolves once SUBSCRIBE is confirmed, so nothing appended later
// is missed, and since an event is stored before it is published, a follow-then-read caller gets every event (dedupe
// by run_id + seq). One subscriber connection per EventLog serves all its followers, one Redis subscription per
// channel (channel-hub.ts). XREAD BLOCK would hold one connection per blocked read, need its call interrupted
// whenever the followed streams change, and could not see the runs a thread starts later without a second mechanism.
// Trade-off: pub/sub is at-most-once across a dropped subscriber connection; events appended while it is down are not
// delivered live, but read(afterSeq) has them (logged on recovery).
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { RunEvent } from '../../events/types.js';
import type { EventLog, EventLogOptions } from '../types.js';
import { createChannelHub } from './channel-hub.js';
import { APPEND_SCRIPT, appendArgs } from './append-script.js';
import { closeConnection, watchConnection } from './connection.js';
import { decodeEntries, decodeEvent, eventKeys, rangeStart } from './event-layout.js';
import { queueScript, sendQueued } from './script-batch.js';

/** Options of the Redis event log. */
export interface RedisEventLogOptions extends EventLogOptions {
  /** Where append failures and connection trouble are reported (default: pino at warn). */
  logger?: Logger;
  /** Prepended to every key and channel (default `switchboard:`). */
  keyPrefix?: string;
  /** TTL of an unfinished run, restarted by each of its events (default 24 h; never below retentionMs). */
  unfinishedTtlMs?: number;
}

/** How long a run that never finishes is kept after its last event. */
const DEFAULT_UNFINISHED_TTL_MS = 24 * 60 * 60 * 1000;
/** Appends waiting on Redis beyond which new ones are dropped (and counted), so an outage cannot exhaust memory. */
const MAX_PENDING_APPENDS = 20_000;

/**
 * Creates the Redis event log. Given a URL it opens (and on close quits) its own connection; given a connection it
 * uses it and leaves it open on close. Either way it adds one subscriber connection, at the first follow().
 */
export function createRedisEventLog(redis: { url: string } | Redis, options: RedisEventLogOptions): EventLog {
  const logger = options.logger ?? pino({ level: 'warn' });
  const ownsMain = !(redis instanceof Redis);
  const main = redis instanceof Redis ? redis : new Redis(redis.url);
  if (ownsMain) watchConnection(main, logger, 'event-log');
  const keys = eventKeys(options.keyPrefix ?? 'switchboard:');
  const cap = String(Math.max(1, Math.floor(options.maxEventsPerRun)));
  const retentionMs = Math.max(1, Math.floor(options.retentionMs));
  const unfinishedMs = Math.max(retentionMs, Math.floor(options.unfinishedTtlMs ?? DEFAULT_UNFINISHED_TTL_MS));
  const hub = createChannelHub<RunEvent>(
    () => {
      // Queue SUBSCRIBE until connected, whatever the given connection says: follow() waits for it anyway.
      const subscriber = main.duplicate({ enableOfflineQueue: true });
      watchConnection(
        subscriber,
        logger,
        'event-log-subscriber',
        'events appended meanwhile were not delivered live (read() has them)',
      );
      return subscriber;
    },
    (raw) => {
      const event = decodeEvent(raw);
      if (event === undefined) logger.warn('event log: ignored a live message that is not an event');
      return event;
    },
    logger,
  );
  const limits = { cap, retentionMs, unfinishedMs };
  const failures = createFailureCounter(logger);
  /** Appends sent or queued that Redis has not answered yet. */
  let pending = 0;
  let closed = false;

  function append(event: RunEvent): void {
    if (closed) return;
    if (!Number.isSafeInteger(event.seq) || event.seq < 1) {
      logger.error(
        { run_id: event.run_id, seq: event.seq },
        'event log: dropped an event whose seq is not a positive integer',
      );
      return;
    }
    if (pending >= MAX_PENDING_APPENDS) {
      failures.failed(new Error(`more than ${MAX_PENDING_APPENDS} appends waiting on redis`), event);
      return;
    }
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch (err) {
      failures.failed(err, event);
      return;
    }
    const { keyCount, args } = appendArgs(event, json, keys, limits);
    pending += 1;
    queueScript(main, APPEND_SCRIPT, keyCount, args, { soon: true }).reply.then(
      () => {
        pending -= 1;
        failures.succeeded();
      },
      (err: unknown) => {
        pending -= 1;
        failures.failed(err, event);
      },
    );
  }

  async function readRun(runId: string, afterSeq?: number): Promise<RunEvent[]> {
    sendQueued(main); // queued appends go out first, so a log reads its own writes
    return decode(await main.xrange(keys.run(runId), rangeStart(afterSeq), '+'));
  }

  async function readThread(threadId: string, afterSeq?: number): Promise<RunEvent[]> {
    sendQueued(main);
    const index = keys.thread(threadId);
    const runIds = await main.zrange(index, 0, '-1');
    const last = runIds.length - 1;
    const starts = runIds.map((_, i) => (i === last ? rangeStart(afterSeq) : '-'));
    const ranges = await Promise.all(runIds.map((runId, i) => main.xrange(keys.run(runId), starts[i] ?? '-', '+')));
    // A run whose full range is empty has expired (a stream is never empty): forget it.
    const gone = runIds.filter((_, i) => starts[i] === '-' && ranges[i]?.length === 0);
    if (gone.length > 0)
      main
        .zrem(index, ...gone)
        .catch((err: unknown) =>
          logger.warn({ err, thread_id: threadId }, 'event log: pruning the thread index failed'),
        );
    // A run id reused in another thread would still be listed here: keep only this thread's events.
    return ranges.flatMap(decode).filter((event) => event.thread_id === threadId);
  }

  function decode(entries: [id: string, fields: string[]][]): RunEvent[] {
    const { events, invalid } = decodeEntries(entries);
    if (invalid > 0) logger.warn({ invalid }, 'event log: skipped stored entries that are not events');
    return events;
  }

  return {
    append,
    read: (filter, afterSeq) =>
      filter.runId !== undefined ? readRun(filter.runId, afterSeq) : readThread(filter.threadId, afterSeq),
    follow: (filter, listener) =>
      hub.listen(
        filter.runId !== undefined ? keys.runChannel(filter.runId) : keys.threadChannel(filter.threadId),
        listener,
      ),
    async close() {
      if (closed) return;
      sendQueued(main);
      closed = true;
      await hub.close();
      if (ownsMain) await closeConnection(main);
    },
  };
}

/** Logs the first failed append of an outage with its error, then only counts, until an append succeeds again. */
function createFailureCounter(logger: Logger): { failed(err: unknown, event: RunEvent): void; succeeded(): void } {
  let failing = 0;
  return {
    failed(err, event) {
      failing += 1;
      if (failing === 1)
        logger.error(
          { err, run_id: event.run_id, seq: event.seq },
          'event log: append failed; counting further failures until one succeeds',
        );
    },
    succeeded() {
      if (failing === 0) return;
      logger.warn({ failed: failing }, 'event log: appends succeed again');
      failing = 0;
    },
  };
}
