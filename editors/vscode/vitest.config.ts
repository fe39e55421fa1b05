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
  },
});
