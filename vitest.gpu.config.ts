import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/gpu/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 120_000,
    pool: 'forks',
  },
});
