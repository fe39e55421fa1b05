// One run per thread across instances: the run holds the thread's lease in the LockStore (Redis with REDIS_URL), kept
// alive while it goes on and released when it ends; a crashed instance's lease expires by itself.
import type { Logger } from 'pino';
import type { LockStore } from '../../../src/storage/types.js';

/** How long a thread's lease lasts unless extended (it is extended every third of this while the run goes on). */
export const DEFAULT_THREAD_LOCK_TTL_MS = 30_000;

/** The thread's lock in the LockStore (Redis key `<prefix>lock:agent-thread:<id>`). */
function threadLockName(threadId: string): string {
  return `agent-thread:${threadId}`;
}

/** What {@link withThreadLease} needs. */
export interface ThreadLeaseOptions {
  locks: LockStore;
  ttlMs: number;
  logger?: Logger | undefined;
}

/**
 * Runs `work` holding the thread's lease: throws `busy()` when another run (here or on another instance) holds it;
 * otherwise extends it every ttl/3 (an unref'd timer) until `work` settles, then releases it. A release that fails is
 * only logged: the lease expires by itself.
 */
export async function withThreadLease<T>(
  threadId: string,
  options: ThreadLeaseOptions,
  busy: () => Error,
  work: () => Promise<T>,
): Promise<T> {
  const { locks, ttlMs, logger } = options;
  const lease = await locks.tryAcquire(threadLockName(threadId), ttlMs);
  if (lease === undefined) throw busy();
  const keepAlive = setInterval(
    () => {
      lease.extend(ttlMs).then(
        (held) => {
          if (!held)
            logger?.error(
              { threadId },
              'agent thread lease lost while its run goes on; another instance may run the thread',
            );
        },
        (err: unknown) => logger?.warn({ err, threadId }, 'agent thread lease could not be extended; retrying'),
      );
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  keepAlive.unref();
  try {
    return await work();
  } finally {
    clearInterval(keepAlive);
    await lease
      .release()
      .catch((err: unknown) =>
        logger?.warn({ err, threadId }, 'agent thread lease not released; it expires by itself'),
      );
  }
}
