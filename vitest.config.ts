import { defineConfig } from 'vitest/config';

// Two cores per machine: run test files in two forks, no more, so timing-sensitive
// end-to-end tests (timeouts, aborts) stay reliable.
export default defineConfig({
  test: {
    // The console's component tests sit beside its components (each names its jsdom environment).
    include: ['test/**/*.test.ts', 'ui/src/**/*.test.{ts,tsx}'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // One throwaway redis-server for the run (tests get its URL from test/helpers/redis.ts).
    globalSetup: ['test/helpers/redis-global-setup.ts'],
  },
});
