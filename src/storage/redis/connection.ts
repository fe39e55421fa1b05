// Redis connection upkeep: one log line per outage instead of one per retry, and a close that never hangs.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

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
