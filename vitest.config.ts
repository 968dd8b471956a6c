import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/tools/**', 'node_modules/**', 'dist/**'],
    // Real PTYs, servers and child processes: separate processes keep one test's leftovers from another.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
