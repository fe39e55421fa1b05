import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The extension's tests: `vscode` is the small fake of test/fake-vscode.ts (no VS Code runs here).
export default defineConfig({
  resolve: { alias: { vscode: fileURLToPath(new URL('./test/fake-vscode.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    // The browser test's set-up bundles the webview and starts Chromium: a first, cold start on a fresh CI machine has
    // taken over 10 s (vitest's default hook timeout).
    hookTimeout: 60_000,
  },
});
