// Redis connections that fail fast: options that bound every command, one log line per outage instead of one per
// retry, which errors mean "Redis is not answering", and a close that never hangs.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long a Redis command may take before it fails (SWITCHBOARD_REDIS_TIMEOUT_MS). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
/** Longest wait between two reconnection attempts: Redis back means the gateway back within about this long. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * A connection whose commands fail within `commandTimeoutMs` while Redis is down or stalled, instead of waiting (by
 * default ioredis queues them until it reconnects, and retries each 20 times). Commands wait for the first connection
 * (a start races Redis's own), and from then on fail at once while disconnected: nothing is queued to be written
 * later, after its caller was told it failed. Commands in flight when the connection drops fail at once too.
 */
export function openRedis(url: string, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Redis {
  const redis = new Redis(url, {
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
  redis.once('ready', () => {
    redis.options.enableOfflineQueue = false;
  });
  return redis;
}

/** ioredis's own errors when the connection is down or a command timed out (plain Errors: matched by message). */
const CONNECTION_MESSAGES = new Set([
  'Command timed out',
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
]);
/** Errors from redis-errors that mean the command never got an answer. */
const ABORT_NAMES = new Set(['MaxRetriesPerRequestError', 'AbortError', 'InterruptError']);
/** Replies of a Redis that is up but cannot serve now (loading its data, a replica without master, a failover). */
const UNAVAILABLE_REPLY = /^(LOADING|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** True when `err` says Redis did not answer (down, unreachable, timed out, not serving yet), not that a command is wrong. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (ABORT_NAMES.has(err.name) || CONNECTION_MESSAGES.has(err.message)) return true;
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  return err.name === 'ReplyError' && UNAVAILABLE_REPLY.test(err.message);
}

/**
 * Logs a connection's first error of each outage and its recovery. ioredis reconnects on its own and emits
 * `error` on every failed retry; without a listener it prints each one to the console.
 * `recoveredNote` is added to the recovery line (e.g. what was lost while it was down).
 */
export function watchConnection(redis: Redis, logger: Logger, name: string, recoveredNote?: string): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err, connection: name }, 'redis connection failed; retrying');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.warn(
      { connection: name },
      recoveredNote === undefined ? 'redis connection restored' : `redis connection restored; ${recoveredNote}`,
    );
  });
}

/** Quits politely (pending replies arrive first), or drops the socket when Redis does not answer within `graceMs`. */
export async function closeConnection(redis: Redis, graceMs = 1_000): Promise<void> {
  if (redis.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([
    redis.quit().then(
      () => undefined,
      () => undefined,
    ),
    gaveUp,
  ]);
  clearTimeout(timer);
  redis.disconnect();
}
