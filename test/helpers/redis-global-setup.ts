// Vitest globalSetup: one redis-server for the whole test run, its URL handed to tests with provide/inject.
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

/**
 * Starts redis-server before the test files run and stops it after. A failure to start does not stop the run:
 * it is handed on, and each test that asks for Redis (testRedisUrl in redis.ts) fails with it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const server = await startRedisServer();
    project.provide('redisUrl', server.url);
    project.provide('redisUnavailable', '');
    return () => server.stop();
  } catch (err) {
    project.provide('redisUrl', '');
    project.provide('redisUnavailable', err instanceof Error ? err.message : String(err));
    return async () => {};
  }
}
