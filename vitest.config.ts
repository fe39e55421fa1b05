import { defineConfig } from 'vitest/config';

// Two cores per machine: run test files in two forks, no more, so timing-sensitive
// end-to-end tests (timeouts, aborts) stay reliable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // One throwaway redis-server for the run (tests get its URL from test/helpers/redis.ts).
    globalSetup: ['test/helpers/redis-global-setup.ts'],
  },
});
