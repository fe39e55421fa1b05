// The test run's Redis (started by redis-global-setup.ts), and unique key prefixes to share it between tests.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test run's redis-server; empty when it could not start. */
    redisUrl: string;
    /** Why it could not start (e.g. redis-server is not installed); empty when it runs. */
    redisUnavailable: string;
  }
}

/** The URL of the test run's redis-server; throws (failing the test, never skipping it) when there is none. */
export function testRedisUrl(): string {
  const url = inject('redisUrl');
  if (url) return url;
  throw new Error(
    inject('redisUnavailable') ||
      'no redis-server: is test/helpers/redis-global-setup.ts in vitest.config.ts globalSetup?',
  );
}

/** A key prefix no other test uses, so tests share the one Redis without seeing each other's keys. */
export function uniqueKeyPrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}
